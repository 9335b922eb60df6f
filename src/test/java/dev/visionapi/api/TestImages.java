package dev.visionapi.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The shipped sample images, read from the class path as a client would upload them. */
final class TestImages {

    static final byte[] CAT_PNG = read("cat-chelsea.png");
    static final byte[] ROCKET_JPEG = read("vehicle-rocket.jpg");
    static final byte[] COFFEE_PNG = read("food-coffee.png");

    private TestImages() {
    }

    static byte[] read(String file) {
        try (InputStream in = TestImages.class.getResourceAsStream("/samples/" + file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
