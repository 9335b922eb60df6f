package dev.visionapi.image;

/**
 * An image ready for Bedrock: the bytes to send and their format, with what it was before preparation.
 *
 * @param resized whether the bytes differ from the uploaded ones (scaled, rotated or re-encoded)
 */
public record PreparedImage(byte[] bytes, ImageFormat format, int width, int height, int originalWidth,
        int originalHeight, long originalSizeBytes, boolean resized) {

    /** Anthropic's rule of thumb for the input tokens an image costs: width × height / 750. */
    private static final double PIXELS_PER_TOKEN = 750.0;

    public int sizeBytes() {
        return bytes.length;
    }

    public long estimatedTokens() {
        return Math.round((double) width * height / PIXELS_PER_TOKEN);
    }
}
