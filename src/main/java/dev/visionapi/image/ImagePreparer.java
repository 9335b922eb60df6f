package dev.visionapi.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.api.ProblemException;
import dev.visionapi.api.ProblemType;

/**
 * Checks one image and turns it into what is sent to Bedrock. Blocking and CPU-bound: callers run it off the event
 * loop.
 */
@ApplicationScoped
public class ImagePreparer {

    private static final Logger LOG = Logger.getLogger(ImagePreparer.class);

    static {
        // ImageIO's disk cache would write every stream to a temporary file; all images are in memory already.
        ImageIO.setUseCache(false);
    }

    public PreparedImage prepare(ImageUpload upload) {
        byte[] bytes = read(upload);
        ImageFormat format = ImageFormat.detect(bytes)
                .orElseThrow(() -> new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                        "'%s' is not a PNG, JPEG, GIF or WebP image.".formatted(upload.name())));
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    // Header only: the dimensions are read without decoding any pixel data.
                    reader.setInput(input, true, true);
                    return new PreparedImage(bytes, format, reader.getWidth(0), reader.getHeight(0), false);
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Readers throw all sorts of unchecked exceptions on hostile headers; each means "unreadable".
            LOG.debugf(e, "Header of %s could not be read", upload.name());
        }
        throw new ProblemException(ProblemType.UNREADABLE_IMAGE,
                "'%s' looks like %s but its header cannot be read.".formatted(upload.name(), format.name()));
    }

    private static byte[] read(ImageUpload upload) {
        try {
            return upload.bytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Upload " + upload.name() + " could not be read back", e);
        }
    }
}
