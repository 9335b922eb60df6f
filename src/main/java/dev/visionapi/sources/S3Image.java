package dev.visionapi.sources;

import dev.visionapi.image.ImageUpload;

/** An image read from S3, in memory, named by its {@code s3://} URI. */
record S3Image(String name, byte[] bytes) implements ImageUpload {
}
