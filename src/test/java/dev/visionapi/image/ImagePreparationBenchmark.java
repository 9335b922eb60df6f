package dev.visionapi.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

/**
 * Times {@link ImagePreparer} on a 12 MP JPEG and a 4 MP PNG made from the samples, and on images it sends without
 * re-encoding, with and without metadata to strip, and {@link MetadataStripper} alone; not a test. Run by
 * {@code bench/image-preparation.sh}, which also times ImageMagick on the same files. Arguments: the directory to
 * write the two input files to, and the number of timed runs.
 */
public final class ImagePreparationBenchmark {

    private static final int WARM_UP_RUNS = 15;
    private static final int PASS_THROUGH_RUN_FACTOR = 100;

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

        // Sent without re-encoding: only the header checks and the metadata stripping run, in microseconds, so each
        // is timed many more times.
        int passThroughRuns = runs * PASS_THROUGH_RUN_FACTOR;
        byte[] photo = TestImageFactory.jpeg(upscaled("vehicle-rocket.jpg", 1500, 1000), 0.9f);
        byte[] taggedPhoto = MetadataFixtures.jpegWithMetadata(photo);
        byte[] noisy = MetadataFixtures.jpegWithMetadata(TestImageFactory.jpeg(TestImageFactory.noise(1568, 1045, 9),
                0.95f));
        byte[] bombed = MetadataFixtures.pngWithMetadata(TestImages.sample("text-sign.png"),
                MetadataFixtures.zTxt(MetadataFixtures.zlibBomb(2048)));
        report("as is: JPEG, no metadata (" + photo.length / 1024 + " KiB)", preparer, photo, passThroughRuns);
        report("as is: JPEG, EXIF/XMP/IPTC/COM (" + taggedPhoto.length / 1024 + " KiB)", preparer, taggedPhoto,
                passThroughRuns);
        report("as is: noise JPEG, EXIF/XMP/IPTC/COM (" + noisy.length / 1024 + " KiB)", preparer, noisy,
                passThroughRuns);
        report("as is: PNG, 2 GiB zTXt bomb (" + bombed.length / 1024 + " KiB)", preparer, bombed, passThroughRuns);
        time("strip only: the noise JPEG", () -> MetadataStripper.strip(ImageFormat.JPEG, noisy).orElseThrow(),
                passThroughRuns);
        time("strip only: the PNG with the bomb", () -> MetadataStripper.strip(ImageFormat.PNG, bombed).orElseThrow(),
                passThroughRuns);
    }

    private static void report(String label, ImagePreparer preparer, byte[] bytes, int runs) {
        Sample upload = new Sample("bench", label, ImageFormat.detect(bytes).orElseThrow(), bytes);
        PreparedImage result = preparer.prepare(upload);
        String outcome = "%s %d x %d, %d KiB".formatted(result.format().formatName(), result.width(),
                result.height(), result.sizeBytes() / 1024);
        time(label + " -> " + outcome, () -> preparer.prepare(upload).bytes(), runs);
    }

    private static void time(String label, Supplier<byte[]> work, int runs) {
        for (int i = 0; i < Math.max(WARM_UP_RUNS, runs / 10); i++) {
            work.get();
        }
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            work.get();
            millis[i] = (System.nanoTime() - started) / 1e6;
        }
        Arrays.sort(millis);
        System.out.printf("%-75s: median %.3f ms, min %.3f ms, max %.3f ms (%d runs)%n",
                label, millis[runs / 2], millis[0], millis[runs - 1], runs);
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
