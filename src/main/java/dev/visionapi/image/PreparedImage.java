package dev.visionapi.image;

/**
 * An image ready for Bedrock: the bytes to send and their format, with what it was before preparation.
 *
 * @param resized whether the pixels were scaled, rotated or re-encoded; stripping metadata alone does not count
 */
public record PreparedImage(byte[] bytes, ImageFormat format, int width, int height, int originalWidth,
        int originalHeight, long originalSizeBytes, boolean resized) {

    public int sizeBytes() {
        return bytes.length;
    }

    /** Everything about the image but its bytes. */
    public ImageSummary summary() {
        return new ImageSummary(format, width, height, originalWidth, originalHeight, bytes.length, originalSizeBytes,
                resized);
    }
}
