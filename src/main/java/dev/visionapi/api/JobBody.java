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
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.visionapi.jobs.JobSource;
import dev.visionapi.jobs.JobSpec;

/** A job request: where its images are, and what each is analysed with (as for {@code /v1/analyses}). */
@Schema(name = "JobRequest", description = "A job: one analysis per image, run in the background. Send exactly one of "
        + "'preset' and 'prompt'.")
public record JobBody(
        @NotNull
        @Valid
        @Schema(description = "Where the images are: an S3 prefix or a list", required = true)
        Source source,

        @MaxCodePoints(100)
        @Schema(description = "ID of a preset (GET /v1/presets)", maxLength = 100, examples = "alt-text")
        String preset,

        @MaxCodePoints(AnalysisForm.MAX_PROMPT_LENGTH)
        @Schema(description = "Your own instruction for the model, up to 10,000 characters",
                maxLength = AnalysisForm.MAX_PROMPT_LENGTH)
        String prompt,

        @Schema(description = "The preset's parameters by name (GET /v1/presets/{id} lists them)")
        Map<String, String> parameters,

        @MaxCodePoints(200)
        @Schema(description = "Model or inference-profile ID the service allows (GET /v1/models); default: the "
                + "configured model", maxLength = 200)
        String model,

        @Pattern(regexp = "auto|on-demand|bedrock-batch", message = "must be 'auto', 'on-demand' or 'bedrock-batch'")
        @Schema(description = "The engine: 'on-demand' (every replica's workers, one call per image), 'bedrock-batch' "
                + "(Bedrock batch inference at batch prices, typically half; needs jobs.batch.staging and "
                + "jobs.batch.role-arn and a model with supportsBatch in GET /v1/models), or 'auto': batch from "
                + "jobs.batch.min-records items on (100 by default) when batch is configured and the model supports "
                + "it, on-demand otherwise",
                enumeration = {"auto", "on-demand", "bedrock-batch"}, defaultValue = "auto")
        String engine,

        @Valid
        @Schema(description = "Where the results file is written when the job ends", nullable = true)
        Output output) {

    JobSpec spec() {
        return new JobSpec(preset, prompt, parameters, model, output == null ? null : output.s3Prefix());
    }

    JobSource jobSource() {
        return source.s3Prefix() != null && !source.s3Prefix().isBlank() ? new JobSource.Prefix(source.s3Prefix().strip())
                : new JobSource.Images(source.images().stream()
                        .map(image -> new JobSource.Image(image.url(), image.s3(), image.sample())).toList());
    }

    /** The images: exactly one of a prefix and a list. */
    @OneOf
    @Schema(name = "JobSource", description = "Exactly one of 's3Prefix' and 'images'.")
    public record Source(
            @MaxCodePoints(1100)
            @Schema(description = "Every object under this prefix whose key ends in .png, .jpg, .jpeg, .gif, .webp, "
                    + ".bmp, .tif or .tiff, from a bucket the service may read (sources.s3.allowed-buckets)",
                    maxLength = 1100, examples = "s3://my-bucket/photos/")
            String s3Prefix,

            @Schema(description = "These images, in this order")
            List<@NotNull @Valid Image> images) {
    }

    /** One image of a list: exactly one of its sources. */
    @OneOf
    @Schema(name = "JobImage", description = "One image: exactly one of 'url', 's3' and 'sample'.")
    public record Image(
            @MaxCodePoints(4096)
            @Schema(description = "An https URL the service fetches the image from", maxLength = 4096, format = "uri")
            String url,

            @MaxCodePoints(1100)
            @Schema(description = "An S3 object, s3://bucket/key, from a bucket the service may read",
                    maxLength = 1100)
            String s3,

            @MaxCodePoints(100)
            @Schema(description = "ID of a built-in sample image (GET /v1/samples)", maxLength = 100)
            String sample) {
    }

    /** Where the results go. */
    @Schema(name = "JobOutput")
    public record Output(
            @NotNull
            @MaxCodePoints(1100)
            @Schema(description = "S3 prefix the results file {jobId}.jsonl is written under, in a bucket the service "
                    + "may use (sources.s3.allowed-buckets)", maxLength = 1100, type = SchemaType.STRING,
                    examples = "s3://my-bucket/results/", required = true)
            String s3Prefix) {
    }

    /** Exactly one of a record's fields is set: the error is the record's, e.g. {@code source.images[2]}. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = {OneOf.SourceValidator.class, OneOf.ImageValidator.class})
    @interface OneOf {

        String message() default "must have exactly one of its fields";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        /** A source is a prefix or a non-empty list. */
        class SourceValidator implements ConstraintValidator<OneOf, Source> {

            @Override
            public boolean isValid(Source source, ConstraintValidatorContext context) {
                boolean prefix = source.s3Prefix() != null && !source.s3Prefix().isBlank();
                boolean list = source.images() != null && !source.images().isEmpty();
                return Violation.message(context, prefix != list, "must have exactly one of 's3Prefix' and 'images'");
            }
        }

        /** An image has one source. */
        class ImageValidator implements ConstraintValidator<OneOf, Image> {

            @Override
            public boolean isValid(Image image, ConstraintValidatorContext context) {
                return Violation.message(context, image == null || Stream.of(image.url(), image.s3(), image.sample())
                        .filter(value -> value != null && !value.isBlank()).count() == 1,
                        "must have exactly one of 'url', 's3' and 'sample'");
            }
        }

        /** The violation's message, when there is one. */
        final class Violation {

            private Violation() {
            }

            static boolean message(ConstraintValidatorContext context, boolean valid, String message) {
                if (!valid) {
                    context.disableDefaultConstraintViolation();
                    context.buildConstraintViolationWithTemplate(message).addConstraintViolation();
                }
                return valid;
            }
        }
    }
}
