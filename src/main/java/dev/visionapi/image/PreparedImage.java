package dev.visionapi.image;

import java.util.Optional;

/**
 * An image ready for Bedrock: the bytes to send, or where Bedrock reads it itself, and their format, with what it was
 * before preparation.
 *
 * @param bytes the bytes sent; empty when Bedrock reads the image at {@code location}
 * @param resized whether the pixels were scaled, rotated or re-encoded; stripping metadata alone does not count
 * @param location the S3 object Bedrock reads the image from, as it is stored, instead of receiving its bytes
 */
public record PreparedImage(byte[] bytes, ImageFormat format, int width, int height, int originalWidth,
        int originalHeight, long originalSizeBytes, boolean resized, Optional<ImageLocation> location) {

    private static final byte[] NONE = new byte[0];

    /** An image sent as these bytes. */
    public PreparedImage(byte[] bytes, ImageFormat format, int width, int height, int originalWidth,
            int originalHeight, long originalSizeBytes, boolean resized) {
        this(bytes, format, width, height, originalWidth, originalHeight, originalSizeBytes, resized, Optional.empty());
    }

    /** An image Bedrock reads at {@code location}, untouched: {@code length} bytes, {@code width} × {@code height}. */
    static PreparedImage stored(ImageLocation location, ImageFormat format, int width, int height, long length) {
        return new PreparedImage(NONE, format, width, height, width, height, length, false, Optional.of(location));
    }

    /** The size of what the model gets: the bytes sent, or the stored object's length. */
    public int sizeBytes() {
        return location.isPresent() ? (int) originalSizeBytes : bytes.length;
    }

    /** Everything about the image but its bytes. */
    public ImageSummary summary() {
        return new ImageSummary(format, width, height, originalWidth, originalHeight, sizeBytes(), originalSizeBytes,
                resized);
    }
}
