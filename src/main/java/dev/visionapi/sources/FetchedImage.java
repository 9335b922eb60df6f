package dev.visionapi.sources;

import dev.visionapi.image.ImageUpload;

/** An image fetched from a URL, held in memory; named by the URL without its query. */
record FetchedImage(String name, byte[] bytes) implements ImageUpload {
}
