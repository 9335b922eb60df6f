package dev.visionapi.image;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ConverseCall;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonObject;

/** What the image pipeline sends to Bedrock, checked on the bytes that arrive at the emulator. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class ImagePipelineTest {

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void aLargeNoisyJpegArrivesScaledToTheLongEdgeWithItsAspectRatio() {
        byte[] jpeg = TestImageFactory.jpeg(TestImageFactory.noise(6000, 4000, 1), 0.5f);
        assertThat(jpeg.length).as("fixture is over Bedrock's 3.75 MB").isGreaterThan(3_750_000);

        analyse("noise.jpg", jpeg).statusCode(200)
                .body("images[0].mediaType", equalTo("image/jpeg"))
                .body("images[0].width", equalTo(1568))
                .body("images[0].height", equalTo(1045))
                .body("images[0].originalWidth", equalTo(6000))
                .body("images[0].originalHeight", equalTo(4000))
                .body("images[0].originalSizeBytes", equalTo(jpeg.length))
                .body("images[0].resized", equalTo(true))
                .body("images[0].estimatedTokens", equalTo(2185));
        Arrived arrived = arrived();
        assertThat(arrived.format()).isEqualTo("jpeg");
        assertThat(arrived.image().getWidth()).isEqualTo(1568);
        assertThat(arrived.image().getHeight()).isEqualTo(1045);
        assertThat(arrived.bytes().length).isLessThanOrEqualTo(3_750_000);
    }

    @Test
    void aVeryTallPngArrivesWithinTheLimits() {
        BufferedImage tall = TestImageFactory.halves(300, 9000, Color.ORANGE, Color.BLUE);
        analyse("tall.png", TestImageFactory.encode(tall, "png")).statusCode(200)
                .body("images[0].width", equalTo(52))
                .body("images[0].height", equalTo(1568));
        assertThat(arrived().image().getHeight()).isEqualTo(1568);
    }

    @Test
    void bmpArrivesAsADeclaredFormatThatMatchesItsBytes() {
        byte[] bmp = TestImageFactory.encode(TestImageFactory.noise(320, 200, 2), "bmp");
        analyse("scan.bmp", bmp).statusCode(200).body("images[0].mediaType", equalTo("image/jpeg"))
                .body("images[0].resized", equalTo(true));
        Arrived arrived = arrived();
        assertThat(arrived.format()).isEqualTo("jpeg");
        assertThat(ImageFormat.detect(arrived.bytes())).contains(ImageFormat.JPEG);
        assertThat(arrived.image().getWidth()).isEqualTo(320);
    }

    @Test
    void tiffWithFewColoursArrivesAsPng() {
        byte[] tiff = TestImageFactory.encode(TestImageFactory.halves(400, 300, Color.BLACK, Color.WHITE), "tiff");
        analyse("diagram.tiff", tiff).statusCode(200).body("images[0].mediaType", equalTo("image/png"));
        Arrived arrived = arrived();
        assertThat(arrived.format()).isEqualTo("png");
        assertThat(ImageFormat.detect(arrived.bytes())).contains(ImageFormat.PNG);
        assertThat(arrived.image().getRGB(10, 10) & 0xFFFFFF).isEqualTo(0x000000);
        assertThat(arrived.image().getRGB(390, 10) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    @Test
    void aSmallWebpPassesUntouched() {
        byte[] webp = TestImages.fixture("cat-lossy.webp");
        analyse("cat.webp", webp).statusCode(200)
                .body("images[0].mediaType", equalTo("image/webp"))
                .body("images[0].width", equalTo(300))
                .body("images[0].resized", equalTo(false));
        assertThat(arrived().bytes()).isEqualTo(webp);
    }

    @Test
    void aLargeWebpIsConverted() {
        analyse("sign.webp", TestImages.fixture("sign-lossless-large.webp")).statusCode(200)
                .body("images[0].width", equalTo(1568))
                .body("images[0].originalWidth", equalTo(2000))
                .body("images[0].resized", equalTo(true));
        assertThat(arrived().image().getWidth()).isEqualTo(1568);
    }

    @Test
    void aJpegWithExifOrientationSixArrivesTurnedUpright() {
        // Stored sideways: red left, blue right. Orientation 6 means "turn 90° clockwise to view".
        byte[] stored = TestImageFactory.jpeg(TestImageFactory.halves(200, 100, Color.RED, Color.BLUE), 0.95f);
        analyse("portrait.jpg", TestImageFactory.withExifOrientation(stored, 6)).statusCode(200)
                .body("images[0].width", equalTo(100))
                .body("images[0].height", equalTo(200))
                .body("images[0].originalWidth", equalTo(100))
                .body("images[0].resized", equalTo(true));
        BufferedImage upright = arrived().image();
        assertThat(upright.getWidth()).isEqualTo(100);
        assertThat(isReddish(upright.getRGB(50, 20))).as("top is red").isTrue();
        assertThat(isReddish(upright.getRGB(50, 180))).as("bottom is blue").isFalse();
    }

    @Test
    void anAnimatedGifArrivesAsItsFirstFrame() {
        byte[] gif = TestImageFactory.animatedGif(2000, 100, Color.RED, Color.BLUE);
        analyse("anim.gif", gif).statusCode(200)
                .body("images[0].mediaType", equalTo("image/png"))
                .body("images[0].width", equalTo(1568));
        assertThat(isReddish(arrived().image().getRGB(10, 10))).isTrue();
    }

    @Test
    void aPngWithTransparencyStaysPngWithItsAlpha() {
        byte[] png = TestImageFactory.encode(TestImageFactory.halfTransparent(2000, 1000), "png");
        analyse("logo.png", png).statusCode(200)
                .body("images[0].mediaType", equalTo("image/png"))
                .body("images[0].width", equalTo(1568));
        BufferedImage arrived = arrived().image();
        assertThat(arrived.getColorModel().hasAlpha()).isTrue();
        assertThat(arrived.getRGB(1500, 400) >>> 24).as("right half transparent").isZero();
        assertThat(arrived.getRGB(100, 400) >>> 24).as("left half opaque").isEqualTo(0xFF);
    }

    @Test
    void reEncodingDropsExifMetadata() {
        byte[] stored = TestImageFactory.jpeg(TestImageFactory.noise(2000, 1500, 3), 0.9f);
        analyse("gps.jpg", TestImageFactory.withExifOrientation(stored, 1)).statusCode(200);
        byte[] sent = arrived().bytes();
        assertThat(new String(sent, 0, 64, StandardCharsets.ISO_8859_1)).doesNotContain("Exif");
    }

    @Test
    void aPngDecompressionBombIsRefusedFromItsHeader() {
        byte[] bomb = TestImageFactory.pngBomb(20_000);
        assertThat(bomb.length).as("a few hundred KB claiming 400 megapixels").isLessThan(1_000_000);
        expectRefusedQuickly("bomb.png", bomb).body("detail", containsString("20000 × 20000"));
    }

    @Test
    void headerFloodsAreRefusedFromTheirHeaders() {
        expectRefusedQuickly("flood.png", TestImageFactory.pngHeaderOnly(100_000, 100_000));
        expectRefusedQuickly("flood.gif", TestImageFactory.gifHeaderOnly(65_535, 65_535));
        expectRefusedQuickly("flood.jpg", TestImageFactory.jpegHeaderOnly(65_535, 65_535));
        expectRefusedQuickly("wide.png", TestImageFactory.pngHeaderOnly(30_001, 10));
    }

    @Test
    void aGifWithAHugeLogicalScreenIsRefusedBeforeBedrock() {
        byte[] screen = TestImageFactory.gif(65_535, 65_535, new TestImageFactory.GifFrame(0, 0, 8, 8));
        expectRefusedQuickly("screen.gif", screen).body("detail", containsString("65535 × 65535"));
    }

    @Test
    void anAnimatedGifWithALaterFrameBeyondTheLongEdgeArrivesAsItsFirstFrame() {
        byte[] gif = TestImageFactory.gif(8, 8, new TestImageFactory.GifFrame(0, 0, 8, 8),
                new TestImageFactory.GifFrame(9_000, 0, 8, 8));
        analyse("wide.gif", gif).statusCode(200).body("images[0].mediaType", equalTo("image/png"));
        Arrived arrived = arrived();
        assertThat(arrived.format()).isEqualTo("png");
        assertThat(arrived.image().getWidth()).isEqualTo(8);
    }

    @Test
    void aPngClaimingMorePixelsThanItsBytesCanHoldIsRefusedBeforeDecoding() {
        byte[] bomb = TestImageFactory.pngBomb(7000, 7000, true);
        expectRefusedQuickly("cut.png", Arrays.copyOf(bomb, bomb.length / 2))
                .body("detail", containsString("takes at least"));
    }

    @Test
    void aTruncatedPngIsUnreadable() {
        byte[] png = TestImages.CAT_PNG;
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        analyse("truncated.png", truncated).statusCode(422)
                .body("type", equalTo("urn:visionapi:problem:unreadable-image"))
                .body("detail", containsString("truncated"));
    }

    @Test
    void aTruncatedLargePngIsUnreadable() {
        byte[] png = TestImageFactory.encode(TestImageFactory.noise(2000, 1500, 4), "png");
        analyse("truncated.png", Arrays.copyOf(png, png.length / 2)).statusCode(422)
                .body("type", equalTo("urn:visionapi:problem:unreadable-image"));
    }

    private static ValidatableResponse expectRefusedQuickly(String name, byte[] bytes) {
        long started = System.nanoTime();
        ValidatableResponse response = analyse(name, bytes).statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:unreadable-image"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        assertThat(bedrock().calls()).isEmpty();
        return response;
    }

    private static ValidatableResponse analyse(String name, byte[] bytes) {
        return given().multiPart("image", name, bytes, "application/octet-stream").multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then();
    }

    private static boolean isReddish(int rgb) {
        int red = rgb >> 16 & 0xFF;
        int blue = rgb & 0xFF;
        return red > 200 && blue < 60;
    }

    /** The single image of the last Converse call, decoded. */
    private static Arrived arrived() {
        ConverseCall call = bedrock().lastCall();
        JsonObject image = call.content().getJsonObject(0).getJsonObject("image");
        byte[] bytes = Base64.getDecoder().decode(image.getJsonObject("source").getString("bytes"));
        try {
            return new Arrived(image.getString("format"), bytes, ImageIO.read(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Arrived(String format, byte[] bytes, BufferedImage image) {
    }
}
