package dev.visionapi.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.visionapi.image.TestImageFactory.GifFrame;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/** The two steps of {@link ImagePreparer}: the cheap check, and the finish that decodes only when it must. */
class ImagePreparerTest {

    private final ImagePreparer preparer = new ImagePreparer(new DefaultImagesConfig());

    @Test
    void aSmallUprightPngWithoutMetadataIsReadyAfterTheCheckAndFinishedAsItsOwnBytes() {
        byte[] png = TestImages.sample("text-sign.png");
        CheckedImage checked = preparer.check(upload(png));

        assertThat(checked.needsDecoding()).isFalse();
        PreparedImage prepared = preparer.finish(checked);
        assertThat(prepared.bytes()).isSameAs(png);
        assertThat(prepared.resized()).isFalse();
    }

    @Test
    void aSmallUprightPngIsReadyAfterTheCheckWithoutItsMetadata() {
        assertThat(MetadataFixtures.pngChunkTypes(TestImages.CAT_PNG)).contains("iTXt", "pHYs");
        CheckedImage checked = preparer.check(upload(TestImages.CAT_PNG));

        assertThat(checked.needsDecoding()).isFalse();
        PreparedImage prepared = preparer.finish(checked);
        assertThat(MetadataFixtures.pngChunkTypes(prepared.bytes())).containsOnly("IHDR", "iCCP", "IDAT", "IEND");
        assertThat(prepared.resized()).isFalse();
        assertThat(prepared.originalSizeBytes()).isEqualTo(TestImages.CAT_PNG.length);
        assertThat(prepared.sizeBytes()).isLessThan(TestImages.CAT_PNG.length);
    }

    @Test
    void aSmallImageWhoseStructureTheStripperCannotFollowIsReEncoded() {
        byte[] gif = TestImageFactory.encode(TestImageFactory.halves(40, 20, Color.RED, Color.BLUE), "gif");
        byte[] strayByteBeforeTrailer = MetadataFixtures.concat(Arrays.copyOf(gif, gif.length - 1),
                new byte[] {0x00, 0x3B});
        CheckedImage checked = preparer.check(upload(strayByteBeforeTrailer));

        assertThat(checked.needsDecoding()).isTrue();
        PreparedImage prepared = preparer.finish(checked);
        assertThat(prepared.resized()).isTrue();
        assertThat(prepared.format()).isEqualTo(ImageFormat.PNG);
        assertThat(prepared.width()).isEqualTo(40);
    }

    @Test
    void aLargeJpegNeedsDecodingAndIsScaledWhenFinished() {
        byte[] jpeg = TestImageFactory.jpeg(TestImageFactory.halves(4000, 3000, Color.RED, Color.BLUE), 0.9f);
        CheckedImage checked = preparer.check(upload(jpeg));

        assertThat(checked.needsDecoding()).isTrue();
        PreparedImage prepared = preparer.finish(checked);
        assertThat(prepared.resized()).isTrue();
        assertThat(prepared.width()).isEqualTo(1568);
        assertThat(prepared.height()).isEqualTo(1176);
        assertThat(prepared.originalWidth()).isEqualTo(4000);
    }

    @Test
    void aJpegThatIsNotUprightNeedsDecodingHoweverSmall() {
        byte[] jpeg = TestImageFactory.withExifOrientation(
                TestImageFactory.jpeg(TestImageFactory.halves(40, 20, Color.RED, Color.BLUE), 0.9f), 6);
        CheckedImage checked = preparer.check(upload(jpeg));

        assertThat(checked.needsDecoding()).isTrue();
        PreparedImage prepared = preparer.finish(checked);
        assertThat(prepared.width()).isEqualTo(20);
        assertThat(prepared.height()).isEqualTo(40);
    }

    @Test
    void anImageClaimingTooManyPixelsIsRefusedByTheCheck() {
        byte[] flood = TestImageFactory.pngHeaderOnly(10_000, 10_000);

        assertThatThrownBy(() -> preparer.check(upload(flood))).isInstanceOfSatisfying(ProblemException.class,
                problem -> assertThat(problem.type()).isEqualTo(ProblemType.UNREADABLE_IMAGE));
    }

    @Test
    void aGifIsMeasuredByItsLogicalScreenNotItsFirstFrame() {
        byte[] screen = TestImageFactory.gif(65_535, 65_535, new GifFrame(0, 0, 8, 8));

        assertThatThrownBy(() -> preparer.check(upload(screen))).isInstanceOfSatisfying(ProblemException.class,
                problem -> {
                    assertThat(problem.type()).isEqualTo(ProblemType.UNREADABLE_IMAGE);
                    assertThat(problem.getMessage()).contains("65535 × 65535");
                });
    }

    @Test
    void everyFrameOfAnAnimatedGifIsMeasured() {
        byte[] farOut = TestImageFactory.gif(8, 8, new GifFrame(0, 0, 8, 8), new GifFrame(40_000, 0, 8, 8));

        assertThatThrownBy(() -> preparer.check(upload(farOut))).isInstanceOfSatisfying(ProblemException.class,
                problem -> assertThat(problem.getMessage()).contains("40008 × 8"));
    }

    @Test
    void aGifWhoseFramesReachBeyondTheLongEdgeIsNotSentAsItIs() {
        // Sent as it is, Bedrock would get a GIF wider than its 8000 px: its first frame is sent, converted, instead.
        byte[] wide = TestImageFactory.gif(8, 8, new GifFrame(0, 0, 8, 8), new GifFrame(8_000, 0, 8, 8));
        CheckedImage checked = preparer.check(upload(wide));

        assertThat(checked.needsDecoding()).isTrue();
        PreparedImage prepared = preparer.finish(checked);
        assertThat(prepared.format()).isEqualTo(ImageFormat.PNG);
        assertThat(prepared.width()).isEqualTo(8);
    }

    @Test
    void aGifWhoseFramesStayOnItsScreenIsSentAsItIs() {
        byte[] gif = TestImageFactory.gif(100, 100, new GifFrame(0, 0, 8, 8), new GifFrame(50, 50, 50, 50));
        CheckedImage checked = preparer.check(upload(gif));

        assertThat(checked.needsDecoding()).isFalse();
        assertThat(preparer.finish(checked).bytes()).isSameAs(gif);
    }

    private static ImageUpload upload(byte[] bytes) {
        return new Sample("test", "test image", ImageFormat.detect(bytes).orElseThrow(), bytes);
    }
}
