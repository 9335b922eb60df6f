package dev.visionapi.image;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static dev.visionapi.image.MetadataFixtures.COMMENT;
import static dev.visionapi.image.MetadataFixtures.XMP_NAMESPACE;
import static dev.visionapi.image.MetadataFixtures.contains;
import static dev.visionapi.image.MetadataStripperTest.assertSamePixels;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.awt.Color;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ReceivedImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Images small enough to be sent without re-encoding reach Bedrock without their metadata and with the same pixels,
 * checked on the bytes that arrive at the emulator.
 */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class PassThroughMetadataTest {

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void aJpegArrivesWithoutItsGpsPositionXmpIptcAndComment() {
        byte[] jpeg = MetadataFixtures.jpegWithMetadata(
                TestImageFactory.jpeg(TestImageFactory.halves(400, 300, Color.RED, Color.BLUE), 0.9f));

        analyse("holiday.jpg", jpeg).statusCode(200)
                .body("images[0].mediaType", equalTo("image/jpeg"))
                .body("images[0].resized", equalTo(false))
                .body("images[0].originalSizeBytes", equalTo(jpeg.length));
        byte[] arrived = arrived();
        assertThat(contains(arrived, "Exif")).isFalse();
        assertThat(contains(arrived, XMP_NAMESPACE)).isFalse();
        assertThat(contains(arrived, "Photoshop 3.0")).isFalse();
        assertThat(contains(arrived, COMMENT)).isFalse();
        assertSamePixels(arrived, jpeg);
    }

    @Test
    void aPngArrivesWithoutItsTextChunksAndATwoGibibyteZtxtBomb() {
        byte[] plain = TestImageFactory.encode(TestImageFactory.noise(300, 200, 8), "png");
        byte[] png = MetadataFixtures.pngWithMetadata(plain, MetadataFixtures.zTxt(MetadataFixtures.zlibBomb(2048)));

        analyse("bomb.png", png).statusCode(200)
                .body("images[0].mediaType", equalTo("image/png"))
                .body("images[0].resized", equalTo(false));
        byte[] arrived = arrived();
        assertThat(MetadataFixtures.pngChunkTypes(arrived))
                .doesNotContain("tEXt", "zTXt", "iTXt", "eXIf", "tIME", "pHYs", "prVt")
                .contains("gAMA", "sRGB");
        assertThat(arrived.length).isLessThan(plain.length + 100);
        assertSamePixels(arrived, png);
    }

    @Test
    void aWebpArrivesWithoutItsExifAndXmp() {
        byte[] webp = MetadataFixtures.webpWithMetadata(TestImages.fixture("cat-lossy.webp"), 300, 200);

        analyse("cat.webp", webp).statusCode(200)
                .body("images[0].mediaType", equalTo("image/webp"))
                .body("images[0].resized", equalTo(false));
        byte[] arrived = arrived();
        assertThat(MetadataFixtures.webpChunkTypes(arrived)).containsExactly("VP8X", "VP8 ");
        assertThat(contains(arrived, "Exif")).isFalse();
        assertThat(contains(arrived, "xmpmeta")).isFalse();
        assertSamePixels(arrived, webp);
    }

    @Test
    void aGifArrivesWithoutItsCommentAndXmp() {
        byte[] gif = MetadataFixtures.gifWithMetadata(
                TestImageFactory.encode(TestImageFactory.halves(64, 48, Color.RED, Color.BLUE), "gif"));

        analyse("comment.gif", gif).statusCode(200)
                .body("images[0].mediaType", equalTo("image/gif"))
                .body("images[0].resized", equalTo(false));
        byte[] arrived = arrived();
        assertThat(contains(arrived, COMMENT)).isFalse();
        assertThat(contains(arrived, "XMP DataXMP")).isFalse();
        assertSamePixels(arrived, gif);
    }

    private static ValidatableResponse analyse(String name, byte[] bytes) {
        return given().multiPart("image", name, bytes, "application/octet-stream").multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then();
    }

    private static byte[] arrived() {
        return ReceivedImages.of(bedrock().lastCall()).get(0);
    }
}
