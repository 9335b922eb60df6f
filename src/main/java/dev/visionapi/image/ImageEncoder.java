package dev.visionapi.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Encodes a decoded image for Bedrock: photos as JPEG, images with transparency or few colours as PNG, always within
 * Bedrock's byte limit. Nothing but pixels is written, so metadata such as EXIF GPS positions is dropped.
 */
final class ImageEncoder {

    /** Up to this many distinct colours an opaque image is a graphic (screenshot, chart, diagram) and stays PNG. */
    private static final int GRAPHIC_MAX_COLOURS = 256;
    private static final float[] FALLBACK_QUALITIES = {0.75f, 0.6f, 0.45f};
    private static final double SHRINK_STEP = 0.75;

    record Encoded(byte[] bytes, ImageFormat format, int width, int height) {
    }

    private ImageEncoder() {
    }

    /**
     * @param image an RGB or ARGB raster
     * @param photo whether the source was a photo format (JPEG), which stays JPEG unless it has transparency
     */
    static Encoded encode(BufferedImage image, boolean photo, float jpegQuality) {
        BufferedImage current = image;
        while (true) {
            boolean png = hasTransparency(current) || (!photo && hasFewColours(current));
            if (png) {
                byte[] bytes = write(current, "png", null);
                if (bytes.length <= BedrockImageLimits.MAX_BYTES) {
                    return new Encoded(bytes, ImageFormat.PNG, current.getWidth(), current.getHeight());
                }
            } else {
                byte[] bytes = write(current, "jpeg", jpegQuality);
                for (int i = 0; bytes.length > BedrockImageLimits.MAX_BYTES && i < FALLBACK_QUALITIES.length; i++) {
                    bytes = write(current, "jpeg", Math.min(jpegQuality, FALLBACK_QUALITIES[i]));
                }
                if (bytes.length <= BedrockImageLimits.MAX_BYTES) {
                    return new Encoded(bytes, ImageFormat.JPEG, current.getWidth(), current.getHeight());
                }
            }
            current = ImageResizer.resize(current, Math.max(1, (int) (current.getWidth() * SHRINK_STEP)),
                    Math.max(1, (int) (current.getHeight() * SHRINK_STEP)));
        }
    }

    static boolean hasTransparency(BufferedImage image) {
        if (!image.getColorModel().hasAlpha()) {
            return false;
        }
        int[] row = new int[image.getWidth()];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, row.length, 1, row, 0, row.length);
            for (int argb : row) {
                if (argb >>> 24 != 0xFF) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean hasFewColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        int[] row = new int[image.getWidth()];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, row.length, 1, row, 0, row.length);
            for (int argb : row) {
                if (colours.add(argb) && colours.size() > GRAPHIC_MAX_COLOURS) {
                    return false;
                }
            }
        }
        return true;
    }

    private static byte[] write(BufferedImage image, String format, Float quality) {
        // JPEG has no alpha channel: an ARGB raster (opaque, or this would be PNG) is written as RGB.
        BufferedImage pixels = "jpeg".equals(format) ? ImageResizer.opaque(image) : image;
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream output = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(output);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (quality != null) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            }
            writer.write(null, new IIOImage(pixels, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("Encoding " + format + " in memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
