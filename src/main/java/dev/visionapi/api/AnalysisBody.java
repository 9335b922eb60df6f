package dev.visionapi.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON form of an analysis request: the same rules, limits and answers as the multipart form, with the images
 * given by https URL, as S3 objects, inline (base64) or as built-in samples. A validation error names its JSON path, e.g.
 * {@code images[2]}.
 */
@Schema(name = "AnalysisJson", description = "The analysis request as JSON. Send exactly one of 'preset', 'presets' and "
        + "'prompt'. Lengths are counted in characters (Unicode code points).")
public record AnalysisBody(
        @NotEmpty
        @Schema(description = "The images, in the order the prompt refers to them; up to 20.", required = true)
        List<@NotNull @Valid Image> images,

        @MaxCodePoints(100)
        @Schema(description = "ID of a preset (GET /v1/presets)", maxLength = 100, examples = "caption")
        String preset,

        @Schema(description = "Instead of 'preset': several presets answered about the same images, prepared once "
                + "(at most 8 by default); the answers come in 'results', keyed by preset ID", type = SchemaType.ARRAY,
                implementation = PresetId.class)
        List<@MaxCodePoints(100) String> presets,

        @MaxCodePoints(AnalysisForm.MAX_PROMPT_LENGTH)
        @Schema(description = "Your own instruction for the model, up to 10,000 characters",
                maxLength = AnalysisForm.MAX_PROMPT_LENGTH)
        String prompt,

        @Schema(description = "The preset's parameters by name, e.g. {\"language\": \"German\"} for 'translation' "
                + "(GET /v1/presets/{id} lists them)")
        Map<String, String> parameters,

        @MaxCodePoints(200)
        @Schema(description = "Model or inference-profile ID the service allows (GET /v1/models); default: the "
                + "configured model", maxLength = 200)
        String model,

        @Min(1)
        @Max(8192)
        @Schema(description = "Most tokens the model may generate", minimum = "1", maximum = "8192",
                defaultValue = "2000")
        Integer maxTokens,

        @DecimalMin("0")
        @DecimalMax("1")
        @Schema(description = "Sampling temperature; 0 gives the most repeatable answers", minimum = "0",
                maximum = "1", defaultValue = "0")
        Double temperature) {

    /** One image of a JSON request: exactly one of its sources. */
    @OneSource
    @Schema(name = "ImageSource", description = "One image: exactly one of 'url', 's3', 'base64' and 'sample'.")
    public record Image(
            @MaxCodePoints(4096)
            @Schema(description = "An https URL the service fetches the image from (public addresses only, unless "
                    + "configured otherwise; at most 3 redirects; at most 20 MiB)", maxLength = 4096,
                    format = "uri", examples = "https://upload.wikimedia.org/wikipedia/commons/3/3a/Cat03.jpg")
            String url,

            @MaxCodePoints(1100)
            @Schema(description = "An S3 object, s3://bucket/key (the key taken literally), from a bucket the service "
                    + "may read (sources.s3.allowed-buckets); at most 20 MiB", maxLength = 1100,
                    examples = "s3://my-bucket/photos/cat.png")
            String s3,

            @Schema(description = "The image file's bytes in base64 (RFC 4648, no line breaks); at most 20 MiB "
                    + "decoded", format = "byte")
            String base64,

            @MaxCodePoints(100)
            @Schema(description = "ID of a built-in sample image (GET /v1/samples)", maxLength = 100,
                    examples = "cat-chelsea")
            String sample) {
    }

    /** Exactly one source per image; the error is the image's, e.g. {@code images[2]}. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = OneSource.Validator.class)
    @interface OneSource {

        String message() default "must have exactly one of 'url', 's3', 'base64' and 'sample'";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        /** Counts the sources an image names. */
        class Validator implements ConstraintValidator<OneSource, Image> {

            @Override
            public boolean isValid(Image image, ConstraintValidatorContext context) {
                return image == null || Stream.of(image.url(), image.s3(), image.base64(), image.sample())
                        .filter(source -> source != null && !source.isBlank()).count() == 1;
            }
        }
    }
}
