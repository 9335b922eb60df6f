package dev.visionapi.image;

/** An image checked and ready for Bedrock: the bytes to send, their format and their dimensions. */
public record PreparedImage(byte[] bytes, ImageFormat format, int width, int height, boolean resized) {

    public int sizeBytes() {
        return bytes.length;
    }
}
