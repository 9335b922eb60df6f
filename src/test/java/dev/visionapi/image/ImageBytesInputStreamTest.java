package dev.visionapi.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.ref.WeakReference;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;

import org.junit.jupiter.api.Test;

class ImageBytesInputStreamTest {

    private static final byte[] BYTES = {1, 2, 3, 4, 5, (byte) 0xFF, 7, 8};

    @Test
    void readsSeeksAndEndsLikeAStreamOverTheArray() throws IOException {
        try (ImageBytesInputStream input = new ImageBytesInputStream(BYTES)) {
            assertThat(input.length()).isEqualTo(8);
            assertThat(input.read()).isEqualTo(1);
            byte[] buffer = new byte[10];
            assertThat(input.read(buffer, 2, 4)).isEqualTo(4);
            assertThat(buffer).startsWith(0, 0, 2, 3, 4, 5);
            assertThat(input.read()).isEqualTo(0xFF);
            assertThat(input.getStreamPosition()).isEqualTo(6);
            assertThat(input.read(buffer, 0, 10)).isEqualTo(2);
            assertThat(input.read()).isEqualTo(-1);
            assertThat(input.read(buffer, 0, 1)).isEqualTo(-1);
            assertThat(input.read(buffer, 0, 0)).isZero();

            input.seek(1);
            assertThat(input.readUnsignedShort()).isEqualTo(0x0203);
            input.seek(20);
            assertThat(input.read()).isEqualTo(-1);
            assertThatThrownBy(() -> input.read(buffer, 8, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void anImageReaderReadsTheImageThroughIt() throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
        try (ImageBytesInputStream input = new ImageBytesInputStream(TestImages.CAT_PNG)) {
            reader.setInput(input, false, true);
            assertThat(reader.getWidth(0)).isEqualTo(451);
            assertThat(reader.read(0).getHeight()).isEqualTo(300);
        } finally {
            reader.dispose();
        }
    }

    @Test
    void closedItRefusesToReadAndNoLongerHoldsTheImage() throws IOException, InterruptedException {
        byte[] image = new byte[1 << 20];
        WeakReference<byte[]> held = new WeakReference<>(image);
        ImageBytesInputStream input = new ImageBytesInputStream(image);
        image = null;
        input.close();

        for (int attempt = 0; attempt < 50 && held.get() != null; attempt++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(held.get()).as("the image, with the closed stream still referenced").isNull();
        assertThat(input.length()).isEqualTo(-1);
        assertThatThrownBy(input::read).isInstanceOf(IOException.class);
    }
}
