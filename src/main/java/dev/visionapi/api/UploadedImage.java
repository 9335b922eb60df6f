package dev.visionapi.api;

import java.io.IOException;
import java.nio.file.Files;

import org.jboss.resteasy.reactive.multipart.FileUpload;

import dev.visionapi.image.ImageUpload;

/** An image file part, buffered by the HTTP layer in a temporary file that is deleted when the request ends. */
record UploadedImage(FileUpload upload) implements ImageUpload {

    @Override
    public String name() {
        String fileName = upload.fileName();
        return fileName == null || fileName.isBlank() ? "image" : fileName;
    }

    @Override
    public long size() {
        return upload.size();
    }

    @Override
    public byte[] bytes() throws IOException {
        return Files.readAllBytes(upload.uploadedFile());
    }
}
