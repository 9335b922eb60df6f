package dev.visionapi.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.config.ImagesConfig;
import dev.visionapi.image.ImageResizer.Size;

/**
 * Turns one uploaded image into what is sent to Bedrock, or refuses it. The format comes from the bytes; the
 * dimensions from the header, checked against the limits before any pixel is decoded. An image Bedrock accepts as it
 * is, small enough and upright, is sent less its metadata; any other is decoded (subsampled when much larger than
 * needed), scaled, turned upright and re-encoded. In two steps, because their costs differ by orders of magnitude:
 * {@link #check} reads headers only, {@link #finish} decodes. Both block, so never on the event loop. At most
 * {@code images.max-concurrent-decodes} decodes run at once; further ones wait their turn in a {@link DecodeQueue}
 * shared fairly between clients, so that a burst of large uploads can neither exhaust the heap nor hold up another
 * client's images.
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
    private final DecodeQueue decodes;

    ImagePreparer(ImagesConfig config) {
        this.config = config;
        this.maxLongEdge = Math.min(config.maxLongEdge(), BedrockImageLimits.MAX_SIDE);
        // One reserve turn: a client's image need not wait for another's decode to end, at the cost of one more
        // image in memory and a core shared by two decodes meanwhile.
        this.decodes = new DecodeQueue(config.maxConcurrentDecodes().orElse(Runtime.getRuntime().availableProcessors()),
                1, config.decode().maxQueued(), config.decode().maxWait());
    }

    @PreDestroy
    void shutdown() {
        decodes.shutdown();
    }

    /** Checks and finishes an image in one go: {@link #check}, then {@link #finish}. */
    public PreparedImage prepare(RequestImage upload) {
        return finish(check(upload));
    }

    /**
     * The cheap step: the format from the bytes, the size from the header, checked against the limits before any
     * pixel is decoded, and, for an image that will be sent untouched, that the file is complete. An image the model
     * reads where it is stored was judged already ({@link #asStored}) and is ready as it is.
     */
    public CheckedImage check(RequestImage image) {
        if (image instanceof ImageReference reference) {
            return CheckedImage.ready(reference.asSent());
        }
        ImageUpload upload = (ImageUpload) image;
        byte[] bytes = upload.bytes();
        ImageFormat format = ImageFormat.detect(bytes)
                .orElseThrow(() -> new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                        "'%s' is not a PNG, JPEG, GIF, WebP, BMP or TIFF image.".formatted(upload.name())));
        return withReader(format, upload, reader -> {
            Size stored = headerSize(reader, upload, format);
            checkLimits(stored, upload);
            // A GIF is shown, by Bedrock too, at the size of its logical screen and the frames in it, not its first
            // frame's, which is all the header tells.
            Size shown = format == ImageFormat.GIF ? GifCanvas.of(bytes) : stored;
            checkLimits(shown, upload);
            int orientation = format == ImageFormat.JPEG ? ExifOrientation.of(bytes) : ExifOrientation.UPRIGHT;
            if (sentAsIs(format, orientation, stored, shown, bytes.length)) {
                if (!format.looksComplete(bytes)) {
                    throw unreadable(upload, format, "is truncated");
                }
                // Without its metadata; one whose structure is not understood is re-encoded instead.
                byte[] sent = MetadataStripper.strip(format, bytes).orElse(null);
                if (sent != null) {
                    return CheckedImage.ready(new PreparedImage(sent, format, stored.width(), stored.height(),
                            stored.width(), stored.height(), bytes.length, false));
                }
            }
            checkPlausible(format, stored, upload);
            return CheckedImage.toDecode(upload, format, stored, orientation);
        });
    }

    /**
     * {@link #check}'s decision for an image of which only the first bytes, {@code head}, are at hand, of
     * {@code length} in all: the image as Bedrock reads it at {@code location} if it would be sent as it is, judged
     * from its header alone. Empty when it needs preparation, and when these bytes cannot settle it: a header that
     * goes past them or fails a check, and any GIF, whose shown size depends on frames all through the file. The
     * caller then reads the image whole and checks it as an upload, which also gives any refusal; so this never
     * refuses an image itself. Unlike {@link #check} it cannot tell a truncated file, nor strip metadata.
     */
    public Optional<PreparedImage> asStored(ImageUpload head, long length, ImageLocation location) {
        byte[] bytes = head.bytes();
        ImageFormat format = ImageFormat.detect(bytes).orElse(null);
        if (format == null || format == ImageFormat.GIF || !format.acceptedByBedrock()
                || format == ImageFormat.JPEG && !JpegSegments.scanBeginsWithin(bytes)) {
            return Optional.empty();
        }
        try {
            return withReader(format, head, reader -> {
                Size stored = headerSize(reader, head, format);
                checkLimits(stored, head);
                int orientation = format == ImageFormat.JPEG ? ExifOrientation.of(bytes) : ExifOrientation.UPRIGHT;
                return sentAsIs(format, orientation, stored, stored, length)
                        ? Optional.of(PreparedImage.stored(location, format, stored.width(), stored.height(), length))
                        : Optional.<PreparedImage>empty();
            });
        } catch (ProblemException | UncheckedIOException e) {
            LOG.debugf(e, "The first bytes of %s do not settle whether it is sent as it is", head.name());
            return Optional.empty();
        }
    }

    /**
     * Whether an image is sent as it is (less its metadata) rather than decoded and re-encoded: a format Bedrock takes,
     * upright, within the long edge sent and Bedrock's size limit.
     */
    private boolean sentAsIs(ImageFormat format, int orientation, Size stored, Size shown, long length) {
        return format.acceptedByBedrock() && orientation == ExifOrientation.UPRIGHT
                && Math.max(stored.longEdge(), shown.longEdge()) <= maxLongEdge
                && length <= BedrockImageLimits.MAX_BYTES;
    }

    /** {@link #finish(CheckedImage, String)} for a caller that is its only client. */
    public PreparedImage finish(CheckedImage image) {
        return finish(image, "");
    }

    /**
     * The image as it is sent: a checked image that needs no decoding as it is, any other decoded (subsampled when
     * much larger than needed), scaled, turned upright and re-encoded on this thread once {@code client}'s turn in
     * the decode queue comes. Throws an {@code overloaded} problem if the queue refuses it.
     */
    public PreparedImage finish(CheckedImage image, String client) {
        return image.needsDecoding() ? decodes.run(client, () -> decode(image)) : image.asIs;
    }

    /**
     * As {@link #finish(CheckedImage, String)}, without blocking: the decode runs on the decode queue's threads. The
     * result fails with an {@code overloaded} problem if the queue refuses the image.
     */
    public CompletableFuture<PreparedImage> finishLater(CheckedImage image, String client) {
        return image.needsDecoding() ? decodes.submit(client, () -> decode(image))
                : CompletableFuture.completedFuture(image.asIs);
    }

    private PreparedImage decode(CheckedImage image) {
        ImageUpload upload = image.upload;
        Size stored = image.stored;
        Size original = ExifOrientation.transposes(image.orientation)
                ? new Size(stored.height(), stored.width())
                : stored;
        // A reader of its own, which reads the header again (microseconds against the decode's tenth of a second):
        // the check's reader is disposed of at once, so none is held while the image waits for a worker thread.
        return withReader(image.format, upload, reader -> {
            BufferedImage upright = ExifOrientation.apply(decodeScaled(reader, stored, upload, image.format),
                    image.orientation);
            ImageEncoder.Encoded encoded = ImageEncoder.encode(upright, image.format == ImageFormat.JPEG,
                    config.jpegQuality());
            return new PreparedImage(encoded.bytes(), encoded.format(), encoded.width(), encoded.height(),
                    original.width(), original.height(), upload.bytes().length, true);
        });
    }

    /** Runs {@code work} with a reader of the format set on the upload's bytes, and disposes of it. */
    private static <T> T withReader(ImageFormat format, ImageUpload upload, Function<ImageReader, T> work) {
        ImageReader reader = readerFor(format, upload);
        try (ImageBytesInputStream input = new ImageBytesInputStream(upload.bytes())) {
            // Metadata ignored, and nothing read until asked: the header's size comes without any pixel data, so a bomb
            // is refused before it can explode.
            reader.setInput(input, false, true);
            return work.apply(reader);
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

    /**
     * Refuses an image to be decoded whose file is smaller than any complete one of its declared size: decoders fill
     * the missing pixels with grey at the full cost of the size, which would make it a cheap way to burn CPU.
     */
    private static void checkPlausible(ImageFormat format, Size stored, ImageUpload upload) {
        long length = upload.bytes().length;
        MinimumFileSize.of(format, upload.bytes(), stored).ifPresent(minimum -> {
            if (length < minimum) {
                throw new ProblemException(ProblemType.UNREADABLE_IMAGE, ("'%s' claims %d × %d pixels in %d bytes; a "
                        + "complete %s image of that size takes at least %d bytes.").formatted(upload.name(),
                        stored.width(), stored.height(), length, format.name(), minimum));
            }
        });
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
