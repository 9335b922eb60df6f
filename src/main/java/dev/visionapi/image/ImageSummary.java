package dev.visionapi.image;

/**
 * What preparation made of one image, without its bytes: what responses and metrics report. An analysis keeps this
 * rather than the {@link PreparedImage}, so that the bytes can go as soon as they are on their way to Bedrock.
 *
 * @param resized whether the pixels sent were scaled, rotated or re-encoded; stripping metadata alone does not count
 */
public record ImageSummary(ImageFormat format, int width, int height, int originalWidth, int originalHeight,
        int sizeBytes, long originalSizeBytes, boolean resized) {

    /** Anthropic's rule of thumb for the input tokens an image costs: width × height / 750. */
    private static final double PIXELS_PER_TOKEN = 750.0;

    public long estimatedTokens() {
        return Math.round((double) width * height / PIXELS_PER_TOKEN);
    }
}
