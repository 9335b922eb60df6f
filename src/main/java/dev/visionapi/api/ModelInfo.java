package dev.visionapi.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A model a request may name, as listed by {@code GET /v1/models}. */
@Schema(name = "Model")
public record ModelInfo(
        @Schema(description = "Model or inference-profile ID to send as the 'model' form field",
                examples = "us.anthropic.claude-sonnet-4-5-20250929-v1:0") String id,
        @JsonProperty("default")
        @Schema(description = "Whether requests that name no model use this one") boolean isDefault) {
}
