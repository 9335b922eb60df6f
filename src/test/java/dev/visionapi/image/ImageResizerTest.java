package dev.visionapi.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;

import org.junit.jupiter.api.Test;

import dev.visionapi.image.ImageResizer.Size;

class ImageResizerTest {

    @Test
    void fitKeepsImagesThatAreSmallEnough() {
        assertThat(ImageResizer.fit(1568, 1000, 1568)).isEqualTo(new Size(1568, 1000));
        assertThat(ImageResizer.fit(10, 10, 1568)).isEqualTo(new Size(10, 10));
    }

    @Test
    void fitScalesTheLongEdgeDownAndKeepsTheAspectRatio() {
        assertThat(ImageResizer.fit(6000, 4000, 1568)).isEqualTo(new Size(1568, 1045));
        assertThat(ImageResizer.fit(4000, 6000, 1568)).isEqualTo(new Size(1045, 1568));
        assertThat(ImageResizer.fit(300, 9000, 1568)).isEqualTo(new Size(52, 1568));
        assertThat(ImageResizer.fit(3136, 3136, 1568)).isEqualTo(new Size(1568, 1568));
    }

    @Test
    void fitNeverReachesZero() {
        assertThat(ImageResizer.fit(30_000, 1, 1568)).isEqualTo(new Size(1568, 1));
    }

    @Test
    void subsamplingKeepsAQuarterAboveTheTarget() {
        assertThat(ImageResizer.subsampling(1568, 1568)).isEqualTo(1);
        assertThat(ImageResizer.subsampling(2000, 1568)).isEqualTo(1);
        assertThat(ImageResizer.subsampling(4000, 1568)).isEqualTo(2);
        assertThat(ImageResizer.subsampling(6000, 1568)).isEqualTo(3);
        assertThat(ImageResizer.subsampling(30_000, 1568)).isEqualTo(15);
        for (int longEdge = 1568; longEdge <= 30_000; longEdge += 97) {
            int step = ImageResizer.subsampling(longEdge, 1568);
            assertThat(longEdge / step).as("decoded long edge for %d", longEdge).isGreaterThanOrEqualTo(1568);
        }
    }

    @Test
    void resizeProducesExactlyTheTargetSizeWithoutAliasingAHardEdge() {
        BufferedImage source = TestImageFactory.halves(6000, 4000, Color.BLACK, Color.WHITE);
        BufferedImage resized = ImageResizer.resize(source, 1568, 1045);
        assertThat(resized.getWidth()).isEqualTo(1568);
        assertThat(resized.getHeight()).isEqualTo(1045);
        assertThat(resized.getRGB(100, 500) & 0xFFFFFF).isEqualTo(0x000000);
        assertThat(resized.getRGB(1500, 500) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    @Test
    void resizeKeepsAlpha() {
        BufferedImage resized = ImageResizer.resize(TestImageFactory.halfTransparent(400, 200), 200, 100);
        assertThat(resized.getColorModel().hasAlpha()).isTrue();
        assertThat(resized.getRGB(180, 50) >>> 24).isZero();
    }
}
