package dev.visionapi.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.visionapi.image.Sample;

/** A built-in sample image, as listed by {@code GET /v1/samples}. */
@Schema(name = "Sample")
public record SampleInfo(
        @Schema(description = "ID to send as the 'sample' form field", examples = "cat-chelsea") String id,
        @Schema(description = "What the image shows", examples = "A tabby cat") String name,
        @Schema(description = "Media type of the image", examples = "image/png") String mediaType,
        @Schema(description = "Where to fetch the image", examples = "/v1/samples/cat-chelsea") String url) {

    static SampleInfo from(Sample sample) {
        return new SampleInfo(sample.id(), sample.name(), sample.format().mediaType(), "/v1/samples/" + sample.id());
    }
}
