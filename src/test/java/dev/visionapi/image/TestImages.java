package dev.visionapi.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Image files the tests upload: the shipped samples and the fixtures under {@code src/test/resources/fixtures}. */
public final class TestImages {

    public static final byte[] CAT_PNG = sample("cat-chelsea.png");
    public static final byte[] ROCKET_JPEG = sample("vehicle-rocket.jpg");
    public static final byte[] COFFEE_PNG = sample("food-coffee.png");
    // The samples carry metadata (text, time and pHYs chunks, a JPEG comment); these are the bytes Bedrock receives.
    public static final byte[] CAT_PNG_AS_SENT = asSent(ImageFormat.PNG, CAT_PNG);
    public static final byte[] ROCKET_JPEG_AS_SENT = asSent(ImageFormat.JPEG, ROCKET_JPEG);
    public static final byte[] COFFEE_PNG_AS_SENT = asSent(ImageFormat.PNG, COFFEE_PNG);

    private TestImages() {
    }

    public static byte[] sample(String file) {
        return resource("/samples/" + file);
    }

    public static byte[] fixture(String file) {
        return resource("/fixtures/" + file);
    }

    private static byte[] asSent(ImageFormat format, byte[] image) {
        return MetadataStripper.strip(format, image).orElseThrow();
    }

    private static byte[] resource(String path) {
        try (InputStream in = TestImages.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
