package dev.visionapi.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ImageFormatTest {

    @Test
    void recognisesEachAcceptedFormatBySignature() {
        assertThat(ImageFormat.detect(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0}))
                .contains(ImageFormat.PNG);
        assertThat(ImageFormat.detect(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}))
                .contains(ImageFormat.JPEG);
        assertThat(ImageFormat.detect(ascii("GIF89a...."))).contains(ImageFormat.GIF);
        assertThat(ImageFormat.detect(ascii("GIF87a...."))).contains(ImageFormat.GIF);
        assertThat(ImageFormat.detect(ascii("RIFF\0\0\0\0WEBPVP8 "))).contains(ImageFormat.WEBP);
    }

    @Test
    void refusesEverythingElse() {
        assertThat(ImageFormat.detect(new byte[0])).isEmpty();
        assertThat(ImageFormat.detect(ascii("%PDF-1.7"))).isEmpty();
        assertThat(ImageFormat.detect(ascii("BM6\0\0\0"))).isEmpty();
        assertThat(ImageFormat.detect(ascii("RIFF\0\0\0\0WAVEfmt "))).isEmpty();
        assertThat(ImageFormat.detect(new byte[] {(byte) 0x89, 'P', 'N', 'G'})).isEmpty();
    }

    @Test
    void namesFormatsAsBedrockAndHttpDo() {
        assertThat(ImageFormat.JPEG.bedrockName()).isEqualTo("jpeg");
        assertThat(ImageFormat.JPEG.mediaType()).isEqualTo("image/jpeg");
        assertThat(ImageFormat.WEBP.bedrockName()).isEqualTo("webp");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
