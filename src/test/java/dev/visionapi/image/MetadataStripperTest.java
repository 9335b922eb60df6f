package dev.visionapi.image;

import static dev.visionapi.image.MetadataFixtures.COMMENT;
import static dev.visionapi.image.MetadataFixtures.XMP_NAMESPACE;
import static dev.visionapi.image.MetadataFixtures.contains;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.junit.jupiter.api.Test;

/** {@link MetadataStripper}: what it leaves out and keeps per format, and what it does with what it cannot follow. */
class MetadataStripperTest {

    private static final byte[] PLAIN_JPEG =
            TestImageFactory.jpeg(TestImageFactory.noise(64, 48, 5), 0.9f);
    private static final byte[] PLAIN_PNG = TestImageFactory.encode(TestImageFactory.noise(64, 48, 6), "png");
    private static final byte[] PLAIN_GIF =
            TestImageFactory.encode(TestImageFactory.halves(64, 48, Color.RED, Color.BLUE), "gif");
    private static final byte[] PLAIN_WEBP = TestImages.fixture("cat-lossy.webp");

    @Test
    void aJpegLosesExifXmpIptcCommentsAndTrailingDataButKeepsJfifIccAndAdobe() {
        byte[] tagged = MetadataFixtures.jpegWithMetadata(PLAIN_JPEG);

        byte[] stripped = strip(ImageFormat.JPEG, tagged);

        assertThat(MetadataFixtures.jpegMarkersBeforeScan(stripped))
                .filteredOn(marker -> marker >= 0xE0 && marker <= 0xEF || marker == 0xFE)
                .containsExactly(0xE0, 0xE2, 0xEE);
        assertThat(contains(stripped, "Exif")).isFalse();
        assertThat(contains(stripped, XMP_NAMESPACE)).isFalse();
        assertThat(contains(stripped, "Photoshop 3.0")).isFalse();
        assertThat(contains(stripped, COMMENT)).isFalse();
        assertThat(contains(stripped, "ICC_PROFILE")).isTrue();
        assertThat(stripped).endsWith(0xFF, 0xD9);
        assertThat(Arrays.copyOfRange(stripped, stripped.length - PLAIN_JPEG.length + 20, stripped.length))
                .as("the scan data is untouched").isEqualTo(Arrays.copyOfRange(PLAIN_JPEG, 20, PLAIN_JPEG.length));
        assertSamePixels(stripped, tagged);
    }

    @Test
    void aPngLosesTextTimeExifAndPrivateChunksButKeepsThoseThatChangePixels() {
        byte[] tagged = MetadataFixtures.pngWithMetadata(PLAIN_PNG,
                MetadataFixtures.zTxt(MetadataFixtures.deflate(COMMENT.getBytes())));

        byte[] stripped = strip(ImageFormat.PNG, tagged);

        assertThat(MetadataFixtures.pngChunkTypes(stripped)).containsExactly("IHDR", "gAMA", "sRGB", "IDAT", "IEND");
        assertThat(contains(stripped, COMMENT)).isFalse();
        assertThat(MetadataFixtures.pngChunksHaveValidCrcs(stripped)).isTrue();
        assertSamePixels(stripped, tagged);
    }

    @Test
    void aPngZtxtBombOfTwoGibibytesIsLeftOut() {
        byte[] bomb = MetadataFixtures.zlibBomb(2048);
        byte[] tagged = MetadataFixtures.pngWithMetadata(PLAIN_PNG, MetadataFixtures.zTxt(bomb));
        assertThat(tagged.length).as("within Bedrock's size limit").isLessThan(BedrockImageLimits.MAX_BYTES);

        byte[] stripped = strip(ImageFormat.PNG, tagged);

        assertThat(MetadataFixtures.pngChunkTypes(stripped)).doesNotContain("zTXt");
        assertThat(stripped.length).isLessThan(PLAIN_PNG.length + 100);
    }

    @Test
    void aPngKeepsARealIccProfileAndLosesOneThatInflatesPastTheLimit() {
        byte[] real = MetadataFixtures.pngWithIccProfile(PLAIN_PNG,
                MetadataFixtures.deflate(MetadataFixtures.srgbProfile()));
        byte[] bomb = MetadataFixtures.pngWithIccProfile(PLAIN_PNG, MetadataFixtures.zlibBomb(2));

        assertThat(strip(ImageFormat.PNG, real)).isSameAs(real);
        assertThat(MetadataFixtures.pngChunkTypes(strip(ImageFormat.PNG, bomb))).doesNotContain("iCCP");
    }

    @Test
    void aWebpLosesExifXmpAndTheirFlagsAndKeepsItsImage() {
        byte[] tagged = MetadataFixtures.webpWithMetadata(PLAIN_WEBP, 300, 200);

        byte[] stripped = strip(ImageFormat.WEBP, tagged);

        assertThat(MetadataFixtures.webpChunkTypes(stripped)).containsExactly("VP8X", "VP8 ");
        assertThat(stripped[20] & 0x0C).as("VP8X's EXIF and XMP flags").isZero();
        assertThat(ByteBuffer.wrap(stripped, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())
                .as("RIFF size").isEqualTo(stripped.length - 8);
        assertThat(contains(stripped, "Exif")).isFalse();
        assertThat(contains(stripped, COMMENT)).isFalse();
        assertThat(contains(stripped, "xmpmeta")).isFalse();
        assertSamePixels(stripped, PLAIN_WEBP);
    }

    @Test
    void aGifLosesCommentsXmpAndTrailingDataButKeepsLooping() {
        byte[] tagged = MetadataFixtures.concat(MetadataFixtures.gifWithMetadata(PLAIN_GIF), COMMENT.getBytes());

        byte[] stripped = strip(ImageFormat.GIF, tagged);

        assertThat(contains(stripped, COMMENT)).isFalse();
        assertThat(contains(stripped, "XMP DataXMP")).isFalse();
        assertThat(contains(stripped, "NETSCAPE2.0")).isTrue();
        assertThat(stripped[stripped.length - 1]).isEqualTo((byte) 0x3B);
        assertSamePixels(stripped, PLAIN_GIF);
    }

    @Test
    void anImageWithoutMetadataIsReturnedItselfUncopied() {
        byte[] png = TestImages.sample("text-sign.png");
        assertThat(strip(ImageFormat.JPEG, PLAIN_JPEG)).isSameAs(PLAIN_JPEG);
        assertThat(strip(ImageFormat.PNG, png)).isSameAs(png);
        assertThat(strip(ImageFormat.WEBP, PLAIN_WEBP)).isSameAs(PLAIN_WEBP);
        assertThat(strip(ImageFormat.GIF, PLAIN_GIF)).isSameAs(PLAIN_GIF);
    }

    @Test
    void aProgressiveJpegKeepsAllItsScans() throws IOException {
        byte[] progressive = progressiveJpeg();
        byte[] tagged = MetadataFixtures.jpegWithMetadata(progressive);

        byte[] stripped = strip(ImageFormat.JPEG, tagged);

        assertThat(contains(stripped, COMMENT)).isFalse();
        assertSamePixels(stripped, tagged);
    }

    @Test
    void structuresThatCannotBeFollowedYieldNothing() {
        byte[] jpegSegmentPastTheEnd = PLAIN_JPEG.clone();
        jpegSegmentPastTheEnd[4] = (byte) 0xFF; // the JFIF segment's length
        byte[] pngChunkPastTheEnd = PLAIN_PNG.clone();
        pngChunkPastTheEnd[8] = 0x7F; // IHDR's length
        byte[] webpChunkPastTheEnd = PLAIN_WEBP.clone();
        webpChunkPastTheEnd[19] = 0x7F; // the VP8 chunk's size
        byte[] gifStrayByte = MetadataFixtures.concat(Arrays.copyOf(PLAIN_GIF, PLAIN_GIF.length - 1),
                new byte[] {0x00, 0x3B});

        assertThat(MetadataStripper.strip(ImageFormat.JPEG, jpegSegmentPastTheEnd)).isEmpty();
        assertThat(MetadataStripper.strip(ImageFormat.PNG, pngChunkPastTheEnd)).isEmpty();
        assertThat(MetadataStripper.strip(ImageFormat.WEBP, webpChunkPastTheEnd)).isEmpty();
        assertThat(MetadataStripper.strip(ImageFormat.GIF, gifStrayByte)).isEmpty();
        assertThat(MetadataStripper.strip(ImageFormat.JPEG, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}))
                .isEmpty();
    }

    @Test
    void noTruncationOrDamagedByteMakesItThrow() {
        Random random = new Random(28);
        byte[][] images = {
            MetadataFixtures.jpegWithMetadata(PLAIN_JPEG),
            MetadataFixtures.pngWithMetadata(PLAIN_PNG, MetadataFixtures.zTxt(MetadataFixtures.deflate(new byte[9]))),
            MetadataFixtures.webpWithMetadata(PLAIN_WEBP, 300, 200),
            MetadataFixtures.gifWithMetadata(PLAIN_GIF)};
        ImageFormat[] formats = {ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP, ImageFormat.GIF};
        for (int f = 0; f < images.length; f++) {
            byte[] image = images[f];
            for (int length = 0; length < image.length; length += 7) {
                MetadataStripper.strip(formats[f], Arrays.copyOf(image, length));
            }
            for (int i = 0; i < 2000; i++) {
                byte[] damaged = image.clone();
                damaged[random.nextInt(Math.min(damaged.length, 4096))] = (byte) random.nextInt(256);
                MetadataStripper.strip(formats[f], damaged);
            }
        }
    }

    private static byte[] strip(ImageFormat format, byte[] image) {
        return MetadataStripper.strip(format, image).orElseThrow();
    }

    /** Whether both decode to the same size and ARGB values. */
    static void assertSamePixels(byte[] actual, byte[] expected) {
        BufferedImage a = decode(actual);
        BufferedImage e = decode(expected);
        assertThat(a.getWidth()).isEqualTo(e.getWidth());
        assertThat(a.getHeight()).isEqualTo(e.getHeight());
        assertThat(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()))
                .isEqualTo(e.getRGB(0, 0, e.getWidth(), e.getHeight(), null, 0, e.getWidth()));
    }

    static BufferedImage decode(byte[] image) {
        try {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image));
            assertThat(decoded).as("decodable").isNotNull();
            return decoded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] progressiveJpeg() throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream output = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(output);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(TestImageFactory.noise(64, 48, 7), null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
