package dev.visionapi.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.concurrent.Semaphore;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.api.ProblemException;
import dev.visionapi.api.ProblemType;
import dev.visionapi.config.ImagesConfig;
import dev.visionapi.image.ImageResizer.Size;

/**
 * Turns one uploaded image into what is sent to Bedrock, or refuses it. The format comes from the bytes; the
 * dimensions from the header, checked against the limits before any pixel is decoded. An image Bedrock accepts as it
 * is, small enough and upright, is sent byte for byte; any other is decoded (subsampled when much larger than
 * needed), scaled, turned upright and re-encoded. Blocking and CPU-bound: callers run it on worker threads, never on
 * the event loop. At most {@code images.max-concurrent-decodes} decodes run at once; further ones wait their turn,
 * so that a burst of large uploads cannot exhaust the heap.
 */
@ApplicationScoped
public class ImagePreparer {

    private static final Logger LOG = Logger.getLogger(ImagePreparer.class);

    static {
        // ImageIO's disk cache would write every stream to a temporary file; all images are in memory already.
        ImageIO.setUseCache(false);
    }

    private final ImagesConfig config;
    private final int maxLongEdge;
    private final Semaphore decodes;

    ImagePreparer(ImagesConfig config) {
        this.config = config;
        this.maxLongEdge = Math.min(config.maxLongEdge(), BedrockImageLimits.MAX_SIDE);
        this.decodes = new Semaphore(config.maxConcurrentDecodes().orElse(2 * Runtime.getRuntime().availableProcessors()),
                true);
    }

    public PreparedImage prepare(ImageUpload upload) {
        byte[] bytes = upload.bytes();
        ImageFormat format = ImageFormat.detect(bytes)
                .orElseThrow(() -> new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                        "'%s' is not a PNG, JPEG, GIF, WebP, BMP or TIFF image.".formatted(upload.name())));
        ImageReader reader = readerFor(format, upload);
        try (ImageBytesInputStream input = new ImageBytesInputStream(bytes)) {
            // Header only: width and height without any pixel data, so a bomb is refused before it can explode.
            reader.setInput(input, false, true);
            Size stored = headerSize(reader, upload, format);
            checkLimits(stored, upload);
            int orientation = format == ImageFormat.JPEG ? ExifOrientation.of(bytes) : ExifOrientation.UPRIGHT;
            Size original = ExifOrientation.transposes(orientation) ? new Size(stored.height(), stored.width()) : stored;
            if (format.acceptedByBedrock() && orientation == ExifOrientation.UPRIGHT
                    && stored.longEdge() <= maxLongEdge && bytes.length <= BedrockImageLimits.MAX_BYTES) {
                if (!format.looksComplete(bytes)) {
                    throw unreadable(upload, format, "is truncated");
                }
                return new PreparedImage(bytes, format, stored.width(), stored.height(), stored.width(),
                        stored.height(), bytes.length, false);
            }
            decodes.acquireUninterruptibly();
            try {
                BufferedImage upright = ExifOrientation.apply(decodeScaled(reader, stored, upload, format), orientation);
                ImageEncoder.Encoded encoded = ImageEncoder.encode(upright, format == ImageFormat.JPEG,
                        config.jpegQuality());
                return new PreparedImage(encoded.bytes(), encoded.format(), encoded.width(), encoded.height(),
                        original.width(), original.height(), bytes.length, true);
            } finally {
                decodes.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            reader.dispose();
        }
    }

    private BufferedImage decodeScaled(ImageReader reader, Size stored, ImageUpload upload, ImageFormat format) {
        Size target = ImageResizer.fit(stored.width(), stored.height(), maxLongEdge);
        ImageReadParam param = reader.getDefaultReadParam();
        int step = ImageResizer.subsampling(stored.longEdge(), target.longEdge());
        if (step > 1) {
            param.setSourceSubsampling(step, step, 0, 0);
        }
        BufferedImage decoded;
        try {
            // Image 0 only: the first frame of an animated GIF.
            decoded = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
            LOG.debugf(e, "Decoding %s failed", upload.name());
            throw unreadable(upload, format, "cannot be decoded: it is damaged or truncated");
        }
        return decoded.getWidth() == target.width() && decoded.getHeight() == target.height()
                ? ImageResizer.standardise(decoded)
                : ImageResizer.resize(decoded, target.width(), target.height());
    }

    private void checkLimits(Size size, ImageUpload upload) {
        if (size.width() > config.maxSide() || size.height() > config.maxSide()
                || (long) size.width() * size.height() > config.maxPixels()) {
            throw new ProblemException(ProblemType.UNREADABLE_IMAGE,
                    "'%s' claims %d × %d pixels; the limits are %d pixels on a side and %d pixels in all."
                            .formatted(upload.name(), size.width(), size.height(), config.maxSide(), config.maxPixels()));
        }
    }

    private static Size headerSize(ImageReader reader, ImageUpload upload, ImageFormat format) {
        try {
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width > 0 && height > 0) {
                return new Size(width, height);
            }
        } catch (IOException | RuntimeException e) {
            // Readers throw all sorts of unchecked exceptions on hostile headers; each means "unreadable".
            LOG.debugf(e, "Header of %s could not be read", upload.name());
        }
        throw unreadable(upload, format, "has no readable header");
    }

    private static ImageReader readerFor(ImageFormat format, ImageUpload upload) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.formatName());
        if (!readers.hasNext()) {
            throw unreadable(upload, format, "cannot be read here");
        }
        return readers.next();
    }

    private static ProblemException unreadable(ImageUpload upload, ImageFormat format, String why) {
        return new ProblemException(ProblemType.UNREADABLE_IMAGE,
                "'%s' looks like %s but %s.".formatted(upload.name(), format.name(), why));
    }
}
