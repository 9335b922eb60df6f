package dev.visionapi.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * {@link ImagePreparer#asStored}: from the first bytes of an image and its length, the same decision {@link
 * ImagePreparer#check} makes for the whole file, or none when those bytes cannot settle it.
 */
class StoredImageTest {

    private static final int HEAD = 64 * 1024;
    private static final ImageLocation LOCATION = new ImageLocation("s3://images/a", Optional.of("111122223333"));

    private final ImagePreparer preparer = new ImagePreparer(new DefaultImagesConfig());

    @Test
    void aPngSentAsItIsIsReadWhereItIsStored() {
        assertThat(preparer.check(upload(TestImages.CAT_PNG)).needsDecoding()).isFalse();

        PreparedImage stored = preparer.asStored(head(TestImages.CAT_PNG), TestImages.CAT_PNG.length, LOCATION)
                .orElseThrow();

        assertThat(stored.location()).contains(LOCATION);
        assertThat(stored.bytes()).isEmpty();
        assertThat(stored.summary()).isEqualTo(new ImageSummary(ImageFormat.PNG, 451, 300, 451, 300,
                TestImages.CAT_PNG.length, TestImages.CAT_PNG.length, false));
        assertThat(stored.summary().estimatedTokens()).isEqualTo(180);
    }

    @Test
    void anUprightJpegSentAsItIsIsReadWhereItIsStored() {
        assertThat(TestImages.ROCKET_JPEG.length).isGreaterThan(HEAD);
        assertThat(preparer.check(upload(TestImages.ROCKET_JPEG)).needsDecoding()).isFalse();

        PreparedImage stored = preparer.asStored(head(TestImages.ROCKET_JPEG), TestImages.ROCKET_JPEG.length,
                LOCATION).orElseThrow();

        assertThat(stored.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(stored.width()).isEqualTo(640);
        assertThat(stored.height()).isEqualTo(427);
    }

    @Test
    void aJpegToTurnUprightNeedsPreparation() {
        byte[] rotated = TestImageFactory.withExifOrientation(TestImages.ROCKET_JPEG, 6);
        assertThat(preparer.check(upload(rotated)).needsDecoding()).isTrue();

        assertThat(preparer.asStored(head(rotated), rotated.length, LOCATION)).isEmpty();
    }

    @Test
    void anImageWithALongerEdgeThanSentNeedsPreparation() {
        byte[] wide = TestImageFactory.jpeg(TestImageFactory.noise(2000, 400, 7), 0.9f);
        assertThat(wide.length).isGreaterThan(HEAD);
        assertThat(preparer.check(upload(wide)).needsDecoding()).isTrue();

        assertThat(preparer.asStored(head(wide), wide.length, LOCATION)).isEmpty();
    }

    @Test
    void aFileOverBedrocksSizeLimitNeedsPreparation() {
        assertThat(preparer.asStored(head(TestImages.CAT_PNG), BedrockImageLimits.MAX_BYTES, LOCATION)).isPresent();

        assertThat(preparer.asStored(head(TestImages.CAT_PNG), BedrockImageLimits.MAX_BYTES + 1L, LOCATION)).isEmpty();
    }

    @Test
    void anOrientationPastTheFirstBytesIsNotTakenForUpright() {
        // The frame header, then a comment segment as long as a segment can be, then the EXIF orientation: the first
        // bytes tell the size, but end before the orientation, which they must not be taken to lack.
        byte[] comment = new byte[65_533];
        Arrays.fill(comment, (byte) 'x');
        byte[] jpeg = TestImages.ROCKET_JPEG;
        int afterFrameHeader = 785; // the rocket's SOF0 segment begins at 766 and is 2 + 17 bytes long
        assertThat(jpeg[766 + 1] & 0xFF).isEqualTo(0xC0);
        byte[] rotated = TestImageFactory.withExifOrientation(jpeg, 6);
        byte[] exif = Arrays.copyOfRange(rotated, 2, 2 + rotated.length - jpeg.length); // its APP1 segment
        byte[] late = concat(Arrays.copyOf(jpeg, afterFrameHeader), segment(0xFE, comment), exif,
                Arrays.copyOfRange(jpeg, afterFrameHeader, jpeg.length));
        assertThat(preparer.check(upload(late)).needsDecoding()).isTrue();

        assertThat(preparer.asStored(head(late), late.length, LOCATION)).isEmpty();
    }

    @Test
    void aGifIsNeverJudgedFromItsFirstBytes() {
        byte[] gif = TestImageFactory.animatedGif(64, 64, Color.RED, Color.BLUE);

        assertThat(preparer.asStored(head(gif), gif.length, LOCATION)).isEmpty();
    }

    @Test
    void bytesThatAreNoImageOrAHeaderCutShortAreNotJudged() {
        assertThat(preparer.asStored(upload(new byte[] {1, 2, 3}), 3, LOCATION)).isEmpty();
        assertThat(preparer.asStored(upload(Arrays.copyOf(TestImages.CAT_PNG, 20)), TestImages.CAT_PNG.length,
                LOCATION)).isEmpty();
        assertThat(preparer.asStored(upload(TestImageFactory.pngHeaderOnly(40_000, 40_000)), 1_000_000, LOCATION))
                .as("over the limits: refused when read whole").isEmpty();
    }

    @Test
    void aReferenceIsReadyAsItIs() {
        PreparedImage stored = preparer.asStored(head(TestImages.CAT_PNG), TestImages.CAT_PNG.length, LOCATION)
                .orElseThrow();

        CheckedImage checked = preparer.check(new ImageReference("s3://images/a", stored, HEAD));

        assertThat(checked.needsDecoding()).isFalse();
        assertThat(preparer.finish(checked)).isSameAs(stored);
    }

    private static ImageUpload head(byte[] image) {
        return upload(Arrays.copyOf(image, Math.min(HEAD, image.length)));
    }

    private static ImageUpload upload(byte[] bytes) {
        return new ImageUpload() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public byte[] bytes() {
                return bytes;
            }
        };
    }

    private static byte[] segment(int marker, byte[] data) {
        int length = data.length + 2;
        return concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length}, data);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
