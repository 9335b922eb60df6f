package dev.visionapi.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.visionapi.analysis.Analysis;
import dev.visionapi.bedrock.ModelAnswer.TokenUsage;
import dev.visionapi.image.PreparedImage;

/** The answer to {@code POST /v1/analyses}. */
@Schema(name = "Analysis")
public record AnalysisResponse(
        @Schema(description = "Identifier of this analysis") String id,
        @Schema(description = "Model or inference profile that answered") String model,
        @Schema(description = "Preset used, or null for a custom prompt", nullable = true) String preset,
        @Schema(description = "The model's answer") String text,
        @Schema(description = "Why the model stopped, as Bedrock reported it", examples = "end_turn") String stopReason,
        @Schema(description = "Token usage exactly as Bedrock reported it") Usage usage,
        @Schema(description = "Time the service took for this analysis, in milliseconds") long latencyMs,
        @Schema(description = "The images as sent to the model, in request order") List<ImageInfo> images) {

    static AnalysisResponse from(Analysis analysis) {
        TokenUsage usage = analysis.answer().usage();
        return new AnalysisResponse(analysis.id(), analysis.model(), analysis.presetId(), analysis.answer().text(),
                analysis.answer().stopReason(),
                new Usage(usage.inputTokens(), usage.outputTokens(), usage.totalTokens()),
                analysis.latencyMs(), analysis.images().stream().map(ImageInfo::from).toList());
    }

    /** Bedrock's token counts. */
    @Schema(name = "Usage")
    public record Usage(Integer inputTokens, Integer outputTokens, Integer totalTokens) {
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
            @Schema(description = "Whether the service changed the bytes (scaled, turned upright or re-encoded)") boolean resized,
            @Schema(description = "Input tokens the image is likely to cost: width × height / 750") long estimatedTokens) {

        static ImageInfo from(PreparedImage image) {
            return new ImageInfo(image.format().mediaType(), image.width(), image.height(), image.originalWidth(),
                    image.originalHeight(), image.sizeBytes(), image.originalSizeBytes(), image.resized(),
                    image.estimatedTokens());
        }
    }
}
