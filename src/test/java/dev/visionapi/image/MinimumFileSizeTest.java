package dev.visionapi.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/**
 * An image to be decoded whose file is smaller than any complete image of its declared size is refused by the check,
 * before decoding; real photos and the flattest legitimate images, compressed as far as their format goes, are not.
 */
class MinimumFileSizeTest {

    private final ImagePreparer preparer = new ImagePreparer(new DefaultImagesConfig());

    @Test
    void everySampleIsLargerThanItsMinimum() {
        for (String name : List.of("cat-chelsea.png", "food-coffee.png", "person-astronaut.png", "person-camera.png",
                "text-sign.png", "vehicle-rocket.jpg")) {
            byte[] bytes = TestImages.sample(name);
            long minimum = MinimumFileSize.of(ImageFormat.detect(bytes).orElseThrow(), bytes, size(bytes)).orElseThrow();
            assertThat((long) bytes.length).as(name).isGreaterThan(minimum);
        }
    }

    @Test
    void samplesScaledUpToPhotoSizesAreDecodedNotRefused() {
        BufferedImage photo = scaled(TestImages.CAT_PNG, 6000, 4000);
        assertDecodable("photo.jpg", TestImageFactory.jpeg(photo, 0.3f));
        assertDecodable("photo.png", TestImageFactory.encode(scaled(TestImages.COFFEE_PNG, 4000, 3000), "png"));
    }

    @Test
    void theFlattestLegitimateImagesAreDecodedNotRefused() {
        // A zlib stream at its best ratio: the 143 KB PNG of 7000 × 7000 black pixels is plausible.
        byte[] blackRgb = TestImageFactory.pngBomb(7000, 7000, true);
        assertThat(blackRgb.length).isLessThan(150_000);
        assertDecodable("black.png", blackRgb);
        assertDecodable("grey.png", TestImageFactory.pngBomb(7000, 7000, false));
        assertDecodable("screenshot.png", TestImageFactory.encode(flat(3840, 2160, BufferedImage.TYPE_INT_RGB), "png"));
        assertDecodable("page.png", TestImageFactory.encode(flat(7000, 7000, BufferedImage.TYPE_BYTE_BINARY), "png"));
        assertDecodable("white.jpg", TestImageFactory.jpeg(flat(7000, 7000, BufferedImage.TYPE_BYTE_GRAY), 0.05f));
        assertDecodable("white.gif", TestImageFactory.encode(flat(4000, 4000, BufferedImage.TYPE_BYTE_INDEXED), "gif"));
        assertDecodable("white.bmp", TestImageFactory.encode(flat(2000, 2000, BufferedImage.TYPE_BYTE_GRAY), "bmp"));
    }

    @Test
    void headersWithoutThePixelsTheyClaimAreRefusedBeforeDecoding() {
        assertRefused("flood.png", TestImageFactory.pngHeaderOnly(7000, 7000));
        assertRefused("flood.jpg", TestImageFactory.jpegHeaderOnly(7000, 7000));
        assertRefused("flood.gif", TestImageFactory.gifHeaderOnly(7000, 7000));
    }

    @Test
    void aBombCutShortOfItsDataIsRefusedBeforeDecoding() {
        byte[] bomb = TestImageFactory.pngBomb(7000, 7000, true);
        assertRefused("cut.png", Arrays.copyOf(bomb, bomb.length * 9 / 10));
    }

    @Test
    void aBmpIsBoundedOnlyWhenUncompressed() {
        byte[] bmp = TestImageFactory.encode(flat(2000, 2000, BufferedImage.TYPE_INT_RGB), "bmp");
        assertThat(MinimumFileSize.of(ImageFormat.BMP, bmp, new ImageResizer.Size(2000, 2000)))
                .hasValue(2000L * 6000);
        byte[] rle = Arrays.copyOf(bmp, bmp.length);
        rle[30] = 1; // BI_RLE8: the bitmap may end early, so no bound
        assertThat(MinimumFileSize.of(ImageFormat.BMP, rle, new ImageResizer.Size(2000, 2000))).isEmpty();
    }

    private void assertDecodable(String name, byte[] bytes) {
        CheckedImage checked = preparer.check(upload(name, bytes));
        assertThat(checked.needsDecoding()).as(name + " needs decoding, so the bound applies").isTrue();
    }

    private void assertRefused(String name, byte[] bytes) {
        assertThatThrownBy(() -> preparer.check(upload(name, bytes))).as(name)
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.type()).isEqualTo(ProblemType.UNREADABLE_IMAGE);
                    assertThat(problem.getMessage()).contains("7000 × 7000").contains("takes at least");
                });
    }

    private static ImageResizer.Size size(byte[] bytes) {
        BufferedImage image = read(bytes);
        return new ImageResizer.Size(image.getWidth(), image.getHeight());
    }

    private static BufferedImage read(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage scaled(byte[] sample, int width, int height) {
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = scaled.createGraphics();
        graphics.drawImage(read(sample), 0, 0, width, height, null);
        graphics.dispose();
        return scaled;
    }

    private static BufferedImage flat(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, width, height);
        graphics.dispose();
        return image;
    }

    private static ImageUpload upload(String name, byte[] bytes) {
        return new Sample(name, name, ImageFormat.detect(bytes).orElseThrow(), bytes);
    }
}
