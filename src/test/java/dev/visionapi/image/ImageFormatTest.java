package dev.visionapi.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ImageFormatTest {

    @Test
    void recognisesEachFormatBySignature() {
        assertThat(ImageFormat.detect(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0}))
                .contains(ImageFormat.PNG);
        assertThat(ImageFormat.detect(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}))
                .contains(ImageFormat.JPEG);
        assertThat(ImageFormat.detect(ascii("GIF89a...."))).contains(ImageFormat.GIF);
        assertThat(ImageFormat.detect(ascii("GIF87a...."))).contains(ImageFormat.GIF);
        assertThat(ImageFormat.detect(ascii("RIFF\0\0\0\0WEBPVP8 "))).contains(ImageFormat.WEBP);
        assertThat(ImageFormat.detect(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0})).contains(ImageFormat.TIFF);
        assertThat(ImageFormat.detect(new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8})).contains(ImageFormat.TIFF);
        assertThat(ImageFormat.detect(new byte[] {'B', 'M', 54, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40}))
                .contains(ImageFormat.BMP);
    }

    @Test
    void refusesEverythingElse() {
        assertThat(ImageFormat.detect(new byte[0])).isEmpty();
        assertThat(ImageFormat.detect(ascii("%PDF-1.7"))).isEmpty();
        assertThat(ImageFormat.detect(ascii("BM"))).isEmpty();
        assertThat(ImageFormat.detect(ascii("RIFF\0\0\0\0WAVEfmt "))).isEmpty();
        assertThat(ImageFormat.detect(ascii("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"))).isEmpty();
        assertThat(ImageFormat.detect(new byte[] {(byte) 0x89, 'P', 'N', 'G'})).isEmpty();
    }

    @Test
    void onlyPngJpegGifAndWebpGoToBedrockAsTheyAre() {
        assertThat(Arrays.stream(ImageFormat.values()).filter(ImageFormat::acceptedByBedrock))
                .containsExactly(ImageFormat.PNG, ImageFormat.JPEG, ImageFormat.GIF, ImageFormat.WEBP);
        assertThat(ImageFormat.JPEG.formatName()).isEqualTo("jpeg");
        assertThat(ImageFormat.JPEG.mediaType()).isEqualTo("image/jpeg");
    }

    @Test
    void tellsCompleteFilesFromTruncatedOnes() {
        assertThat(ImageFormat.PNG.looksComplete(TestImages.CAT_PNG)).isTrue();
        assertThat(ImageFormat.PNG.looksComplete(Arrays.copyOf(TestImages.CAT_PNG, 1000))).isFalse();
        assertThat(ImageFormat.JPEG.looksComplete(TestImages.ROCKET_JPEG)).isTrue();
        assertThat(ImageFormat.JPEG.looksComplete(Arrays.copyOf(TestImages.ROCKET_JPEG, 50_000))).isFalse();
        byte[] webp = TestImages.fixture("cat-lossy.webp");
        assertThat(ImageFormat.WEBP.looksComplete(webp)).isTrue();
        assertThat(ImageFormat.WEBP.looksComplete(Arrays.copyOf(webp, webp.length - 1))).isFalse();
        byte[] gif = TestImageFactory.animatedGif(10, 10, Color.RED);
        assertThat(ImageFormat.GIF.looksComplete(gif)).isTrue();
        assertThat(ImageFormat.GIF.looksComplete(Arrays.copyOf(gif, gif.length - 1))).isFalse();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
