package dev.visionapi.api;

import dev.visionapi.image.ImageUpload;

/** An image file part of the request, received in memory. */
record UploadedImage(String fileName, byte[] content) implements ImageUpload {

    @Override
    public String name() {
        return fileName == null || fileName.isBlank() ? "image" : fileName;
    }

    @Override
    public byte[] bytes() {
        return content;
    }
}
