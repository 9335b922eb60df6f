package dev.visionapi.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

/**
 * Times {@link ImagePreparer} on a 12 MP JPEG and a 4 MP PNG made from the samples; not a test. Run by
 * {@code bench/image-preparation.sh}, which also times ImageMagick on the same files. Arguments: the directory to
 * write the two input files to, and the number of timed runs.
 */
public final class ImagePreparationBenchmark {

    private static final int WARM_UP_RUNS = 15;

    private ImagePreparationBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        Files.createDirectories(directory);
        byte[] jpeg = TestImageFactory.jpeg(upscaled("vehicle-rocket.jpg", 4000, 3000), 0.9f);
        byte[] png = TestImageFactory.encode(upscaled("person-astronaut.png", 2000, 2000), "png");
        Files.write(directory.resolve("photo-12mp.jpg"), jpeg);
        Files.write(directory.resolve("portrait-4mp.png"), png);

        ImagePreparer preparer = new ImagePreparer(new DefaultImagesConfig());
        report("12 MP JPEG (4000 x 3000, " + jpeg.length / 1024 + " KiB)", preparer, jpeg, runs);
        report("4 MP PNG (2000 x 2000, " + png.length / 1024 + " KiB)", preparer, png, runs);
    }

    private static void report(String label, ImagePreparer preparer, byte[] bytes, int runs) {
        Sample upload = new Sample("bench", label, ImageFormat.detect(bytes).orElseThrow(), bytes);
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            preparer.prepare(upload);
        }
        double[] millis = new double[runs];
        PreparedImage result = null;
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            result = preparer.prepare(upload);
            millis[i] = (System.nanoTime() - started) / 1e6;
        }
        Arrays.sort(millis);
        System.out.printf("%-40s -> %s %d x %d, %d KiB: median %.1f ms, min %.1f ms, max %.1f ms (%d runs)%n",
                label, result.format().formatName(), result.width(), result.height(), result.sizeBytes() / 1024,
                millis[runs / 2], millis[0], millis[runs - 1], runs);
    }

    private static BufferedImage upscaled(String sample, int width, int height) throws IOException {
        BufferedImage source = ImageIO.read(new ByteArrayInputStream(TestImages.sample(sample)));
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = target.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        graphics.drawImage(source, 0, 0, width, height, null);
        graphics.dispose();
        return target;
    }
}
