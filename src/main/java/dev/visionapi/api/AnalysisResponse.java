package dev.visionapi.api;

import java.math.BigDecimal;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.analysis.Analysis;
import dev.visionapi.bedrock.ModelAnswer.TokenUsage;
import dev.visionapi.image.ImageSummary;

/** The answer to {@code POST /v1/analyses}. */
@Schema(name = "Analysis")
public record AnalysisResponse(
        @Schema(description = "Identifier of this analysis") String id,
        @Schema(description = "Model or inference profile that answered") String model,
        @Schema(description = "Preset used, or null for a custom prompt", nullable = true) String preset,
        @Schema(description = "The model's answer; for structured presets, 'data' rendered as text") String text,
        @Schema(description = "For structured presets: the answer as JSON, valid against the preset's schema",
                type = SchemaType.OBJECT, nullable = true) JsonNode data,
        @Schema(description = "Why the model stopped, as Bedrock reported it", examples = "end_turn") String stopReason,
        @Schema(description = "Token usage exactly as Bedrock reported it") Usage usage,
        @Schema(description = "Time the service took for this analysis, in milliseconds") long latencyMs,
        @Schema(description = "The images as sent to the model, in request order") List<ImageInfo> images,
        @Schema(description = "Whether the answer came from the result cache: the same images, instruction, model "
                + "and limits were answered before; 'usage' is then zero and 'cachedUsage' holds the original call's")
        Boolean cached,
        @Schema(description = "For a cached answer: the usage of the call that produced it; absent otherwise",
                nullable = true) @JsonInclude(JsonInclude.Include.NON_NULL) Usage cachedUsage) {

    static AnalysisResponse from(Analysis analysis) {
        return new AnalysisResponse(analysis.id(), analysis.model().id(), analysis.presetId(),
                analysis.answer().text(), analysis.answer().data(), analysis.answer().stopReason(),
                usage(analysis, analysis.answer().usage()), analysis.latencyMs(),
                analysis.images().stream().map(ImageInfo::from).toList(), analysis.cached(),
                analysis.cached() ? usage(analysis, analysis.cachedUsage()) : null);
    }

    private static Usage usage(Analysis analysis, TokenUsage usage) {
        return new Usage(usage.inputTokens(), usage.outputTokens(), usage.totalTokens(),
                analysis.model().estimatedCostUsd(usage.inputTokens(), usage.outputTokens()));
    }

    /** Bedrock's token counts, and what they cost at the model's list price. */
    @Schema(name = "Usage")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Usage(Integer inputTokens, Integer outputTokens, Integer totalTokens,
            @Schema(description = "Estimated cost in USD at the model's list price; absent when it has no price",
                    nullable = true, examples = "0.004896") BigDecimal estimatedCostUsd) {
    }

    /** One image as it was sent to the model. */
    @Schema(name = "ImageInfo")
    public record ImageInfo(
            @Schema(description = "Media type sent to Bedrock, detected from the bytes", examples = "image/png") String mediaType,
            @Schema(description = "Width in pixels, as sent") int width,
            @Schema(description = "Height in pixels, as sent") int height,
            @Schema(description = "Width of the upload in pixels, upright") int originalWidth,
            @Schema(description = "Height of the upload in pixels, upright") int originalHeight,
            @Schema(description = "Size in bytes, as sent") int sizeBytes,
            @Schema(description = "Size of the upload in bytes") long originalSizeBytes,
            @Schema(description = "Whether the service changed the pixels (scaled, turned upright or re-encoded); "
                    + "metadata is stripped either way") boolean resized,
            @Schema(description = "Input tokens the image is likely to cost: width × height / 750") long estimatedTokens) {

        static ImageInfo from(ImageSummary image) {
            return new ImageInfo(image.format().mediaType(), image.width(), image.height(), image.originalWidth(),
                    image.originalHeight(), image.sizeBytes(), image.originalSizeBytes(), image.resized(),
                    image.estimatedTokens());
        }
    }
}
