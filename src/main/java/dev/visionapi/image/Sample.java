package dev.visionapi.image;

/** A built-in sample image. */
public record Sample(String id, String name, ImageFormat format, byte[] content) implements ImageUpload {

    @Override
    public byte[] bytes() {
        return content;
    }
}
