package dev.visionapi.api;

import java.io.File;
import java.net.URI;
import java.util.List;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * The multipart form of {@code POST /v1/analyses}, read by the REST layer (files into the uploads directory, text
 * fields in memory) and checked by Bean Validation. Fields the form does not know are ignored. The examples make one
 * valid request whatever the configuration (a sample with a preset, no image, prompt or model), which Swagger UI's
 * "Try it out" can send as it is. The preset parameters' maxLength is that of the built-in presets
 * ({@code presets.json}), which check them when they fill their prompt.
 */
@Schema(name = "AnalysisForm", description = "The analysis request. Send one or more 'preset' fields or one 'prompt', and "
        + "one kind of image: one or more 'image' files, one or more 'imageUrl' fields, or one 'sample' ID. Lengths are counted in characters "
        + "(Unicode code points).")
public class AnalysisForm {

    /** Longest free prompt, in characters (code points). */
    public static final int MAX_PROMPT_LENGTH = 10_000;

    // Documented as files (java.io.File is a binary string to OpenAPI), which Swagger UI offers to upload.
    @Schema(name = "image", type = SchemaType.ARRAY, implementation = File.class,
            description = "Image files (PNG, JPEG, GIF, WebP, BMP or TIFF, recognised by content), "
            + "up to 20, each at most 20 MiB and 50 megapixels. "
            + "Send them in the order the prompt refers to them. Use one of 'image', 'imageUrl' and 'sample'.")
    @RestForm("image")
    public List<FileUpload> images = List.of();

    @Schema(name = "imageUrl", type = SchemaType.ARRAY, implementation = URI.class,
            description = "Instead of 'image' files: https URLs the service fetches the images from (public "
            + "addresses only, unless configured otherwise; at most 3 redirects), or s3://bucket/key URIs of "
            + "objects in buckets the service may read; each at most 20 MiB, in the order the prompt refers to them. One kind of image per form: 'image', 'imageUrl' or 'sample'.")
    @RestForm("imageUrl")
    public List<String> imageUrls = List.of();

    @MaxCodePoints(100)
    @Schema(description = "ID of a built-in sample image (GET /v1/samples), instead of uploading one",
            maxLength = 100, examples = "cat-chelsea")
    @RestForm
    public String sample;

    @Schema(name = "preset", type = SchemaType.ARRAY, implementation = PresetId.class,
            description = "ID of a preset (GET /v1/presets); repeat the field for several answers about the same "
            + "images (at most 8 by default), each answered in 'results'. Send 'preset' or 'prompt', not both.",
            examples = "[\"caption\"]")
    @RestForm("preset")
    public List<@MaxCodePoints(100) String> presets = List.of();

    @MaxCodePoints(MAX_PROMPT_LENGTH)
    @Schema(description = "Your own instruction for the model, up to 10,000 characters. "
            + "Send exactly one of 'preset' or 'prompt'.", maxLength = MAX_PROMPT_LENGTH)
    @RestForm
    public String prompt;

    @MaxCodePoints(200)
    @Schema(description = "Model or inference-profile ID; must be one the service allows (GET /v1/models). "
            + "Default: the configured model.", maxLength = 200)
    @RestForm
    public String model;

    @Min(1)
    @Max(8192)
    @Schema(description = "Most tokens the model may generate", minimum = "1", maximum = "8192",
            defaultValue = "2000", examples = "500")
    @RestForm
    public Integer maxTokens;

    @DecimalMin("0")
    @DecimalMax("1")
    @Schema(description = "Sampling temperature; 0 gives the most repeatable answers", minimum = "0", maximum = "1",
            defaultValue = "0", examples = "0.2")
    @RestForm
    public Double temperature;

    @Schema(description = "Preset parameter of 'question': the question to answer about the image",
            maxLength = 2000, examples = "How many people are in the picture?")
    @RestForm
    public String question;

    @Schema(description = "Preset parameter of 'translation': the target language", defaultValue = "French",
            maxLength = 50, examples = "German")
    @RestForm
    public String language;

    @Schema(description = "Preset parameter of 'content-match': the text the image should match",
            maxLength = 2000, examples = "Red leather ankle boots with a block heel")
    @RestForm
    public String text;

    @Schema(description = "Preset parameter of 'classification': comma-separated categories",
            defaultValue = "People, Food, Other", maxLength = 500, examples = "Cat, Dog, Bird")
    @RestForm
    public String categories;
}
