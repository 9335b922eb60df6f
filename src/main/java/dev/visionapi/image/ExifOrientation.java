package dev.visionapi.image;

import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;

/**
 * The EXIF orientation of a JPEG (1 to 8, 1 meaning upright) and the transform that makes its pixels upright.
 * Cameras store portrait photos sideways with orientation 6 or 8; decoders ignore it, so it is applied here.
 */
final class ExifOrientation {

    static final int UPRIGHT = 1;

    private ExifOrientation() {
    }

    /** The orientation stored in a JPEG's EXIF segment; {@link #UPRIGHT} when there is none or it is unreadable. */
    static int of(byte[] jpeg) {
        try (ImageInputStream input = new ImageBytesInputStream(jpeg)) {
            List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(input, JPEG.APP1, "Exif");
            if (exif.isEmpty()) {
                return UPRIGHT;
            }
            InputStream data = exif.get(0).data();
            // The segment's identifier is "Exif" followed by two NULs; data() starts after the first.
            if (data.read() == -1) {
                return UPRIGHT;
            }
            Directory ifd;
            // Closed at once, as the image's own stream: ImageIO's streams wait for a finalizer otherwise, holding
            // their cache of the segment through the next collection (see ImageBytesInputStream).
            try (ImageInputStream segment = ImageIO.createImageInputStream(data)) {
                ifd = new TIFFReader().read(segment);
            }
            Entry orientation = ifd.getEntryById(TIFF.TAG_ORIENTATION);
            int value = orientation == null ? UPRIGHT : ((Number) orientation.getValue()).intValue();
            return value >= 1 && value <= 8 ? value : UPRIGHT;
        } catch (IOException | RuntimeException e) {
            // Damaged EXIF is common and harmless: the pixels are still there, upright or not.
            return UPRIGHT;
        }
    }

    /** Whether the orientation swaps width and height. */
    static boolean transposes(int orientation) {
        return orientation >= 5;
    }

    /** The image turned and flipped upright. */
    static BufferedImage apply(BufferedImage image, int orientation) {
        if (orientation == UPRIGHT) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        // Each maps a source pixel (x, y) to its upright position; arguments are m00, m10, m01, m11, m02, m12.
        AffineTransform transform = switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w);
            case 8 -> new AffineTransform(0, -1, 1, 0, 0, w);
            default -> throw new IllegalArgumentException("EXIF orientation " + orientation);
        };
        BufferedImage upright = transposes(orientation)
                ? new BufferedImage(h, w, image.getType())
                : new BufferedImage(w, h, image.getType());
        var graphics = upright.createGraphics();
        try {
            graphics.drawImage(image, transform, null);
        } finally {
            graphics.dispose();
        }
        return upright;
    }
}
