package dev.visionapi.api;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.visionapi.bedrock.ModelProfile;

/** A model a request may name, as listed by {@code GET /v1/models}. */
@Schema(name = "Model")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelInfo(
        @Schema(description = "Model or inference-profile ID to send as the 'model' form field",
                examples = "us.anthropic.claude-sonnet-4-5-20250929-v1:0") String id,
        @Schema(description = "Display name", examples = "Claude Sonnet 4.5") String name,
        @Schema(description = "Who makes the model", examples = "Anthropic") String provider,
        @Schema(description = "Whether structured presets use a forced tool call with it (else a JSON-only prompt)")
        boolean supportsStructuredOutput,
        @Schema(description = "Most images it takes per request") int maxImages,
        @Schema(description = "List price in USD per million input tokens, an estimate", nullable = true)
        BigDecimal inputPricePerMillionUsd,
        @Schema(description = "List price in USD per million output tokens, an estimate", nullable = true)
        BigDecimal outputPricePerMillionUsd,
        @Schema(description = "Whether jobs may run it on Bedrock batch inference")
        boolean supportsBatch,
        @Schema(description = "Batch price in USD per million input tokens, an estimate", nullable = true)
        BigDecimal batchInputPricePerMillionUsd,
        @Schema(description = "Batch price in USD per million output tokens, an estimate", nullable = true)
        BigDecimal batchOutputPricePerMillionUsd,
        @Schema(description = "Whether Bedrock reads s3:// images itself for it (they need not be downloaded)")
        boolean supportsS3Images,
        @Schema(description = "Whether the service puts a Bedrock prompt-cache point after the images, when they are "
                + "large enough, so that later calls with the same images read them from the cache")
        boolean supportsPromptCache,
        @Schema(description = "Fewest estimated image tokens for a cache point (AWS's minimum per cache checkpoint); "
                + "absent when the model has no prompt caching", nullable = true, examples = "1024")
        Integer minCacheTokens,
        @Schema(description = "Price in USD per million input tokens read from the prompt cache, an estimate",
                nullable = true)
        BigDecimal cacheReadPricePerMillionUsd,
        @Schema(description = "Price in USD per million input tokens written to the prompt cache, an estimate",
                nullable = true)
        BigDecimal cacheWritePricePerMillionUsd,
        @Schema(description = "Whether structured presets use Bedrock's native structured output (Converse outputConfig "
                + "with the preset's JSON schema) with it, rather than a forced tool call")
        boolean supportsOutputSchema,
        @JsonProperty("default")
        @Schema(description = "Whether requests that name no model use this one") boolean isDefault) {

    static ModelInfo from(ModelProfile model, boolean isDefault) {
        return new ModelInfo(model.id(), model.name(), model.provider(), model.supportsStructuredOutput(),
                model.maxImages(), model.inputPricePerMillionUsd(), model.outputPricePerMillionUsd(),
                model.supportsBatch(), model.batchInputPricePerMillionUsd(), model.batchOutputPricePerMillionUsd(),
                model.supportsS3Images(), model.supportsPromptCache(),
                model.supportsPromptCache() && model.minCacheTokens() > 0 ? model.minCacheTokens() : null,
                model.cacheReadPricePerMillionUsd(), model.cacheWritePricePerMillionUsd(), model.supportsOutputSchema(),
                isDefault);
    }
}
