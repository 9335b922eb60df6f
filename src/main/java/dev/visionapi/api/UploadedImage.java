package dev.visionapi.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import org.jboss.resteasy.reactive.multipart.FileUpload;

import dev.visionapi.image.ImageUpload;

/**
 * An image file part of the request, as the REST layer stored it in the uploads directory. Its bytes are read on
 * first use, by the thread that prepares the image, never by the event loop; the file itself is deleted by the REST
 * layer when the response ends.
 */
final class UploadedImage implements ImageUpload {

    private final FileUpload upload;
    private byte[] content;

    UploadedImage(FileUpload upload) {
        this.upload = upload;
    }

    @Override
    public String name() {
        String fileName = upload.fileName();
        return fileName == null || fileName.isBlank() ? "image" : fileName;
    }

    @Override
    public synchronized byte[] bytes() {
        if (content == null) {
            try {
                content = Files.readAllBytes(upload.uploadedFile());
            } catch (IOException e) {
                throw new UncheckedIOException("An uploaded image cannot be read back", e);
            }
        }
        return content;
    }
}
