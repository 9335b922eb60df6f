package dev.visionapi.image;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The image formats the service reads, recognised by their magic numbers; what a client claims (Content-Type, file
 * name) is never consulted. Bedrock's Converse API accepts PNG, JPEG, GIF and WebP; BMP and TIFF are converted.
 */
public enum ImageFormat {
    PNG("png", "image/png", true),
    JPEG("jpeg", "image/jpeg", true),
    GIF("gif", "image/gif", true),
    WEBP("webp", "image/webp", true),
    BMP("bmp", "image/bmp", false),
    TIFF("tiff", "image/tiff", false);

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] PNG_IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};
    private static final byte[] JPEG_SIGNATURE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] GIF87 = ascii("GIF87a");
    private static final byte[] GIF89 = ascii("GIF89a");
    private static final byte[] RIFF = ascii("RIFF");
    private static final byte[] WEBP_TAG = ascii("WEBP");
    private static final byte[] BMP_SIGNATURE = ascii("BM");
    private static final byte[] TIFF_LITTLE_ENDIAN = {'I', 'I', 42, 0};
    private static final byte[] TIFF_BIG_ENDIAN = {'M', 'M', 0, 42};
    private static final int GIF_TRAILER = 0x3B;
    // Cameras and editors append data after the JPEG end-of-image marker; look for it near the end only.
    private static final int JPEG_EOI_SEARCH_WINDOW = 64 * 1024;
    private static final int BMP_HEADER_BYTES = 14;

    private final String formatName;
    private final String mediaType;
    private final boolean acceptedByBedrock;

    ImageFormat(String formatName, String mediaType, boolean acceptedByBedrock) {
        this.formatName = formatName;
        this.mediaType = mediaType;
        this.acceptedByBedrock = acceptedByBedrock;
    }

    /** The name javax.imageio and Converse's {@code ImageBlock.format} use. */
    public String formatName() {
        return formatName;
    }

    public String mediaType() {
        return mediaType;
    }

    /** Whether Bedrock takes this format as it is. */
    public boolean acceptedByBedrock() {
        return acceptedByBedrock;
    }

    /** The format the bytes are in, judged by their signature alone. */
    public static Optional<ImageFormat> detect(byte[] bytes) {
        if (startsWith(bytes, 0, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (startsWith(bytes, 0, JPEG_SIGNATURE)) {
            return Optional.of(JPEG);
        }
        if (startsWith(bytes, 0, GIF87) || startsWith(bytes, 0, GIF89)) {
            return Optional.of(GIF);
        }
        if (startsWith(bytes, 0, RIFF) && startsWith(bytes, 8, WEBP_TAG)) {
            return Optional.of(WEBP);
        }
        if (startsWith(bytes, 0, TIFF_LITTLE_ENDIAN) || startsWith(bytes, 0, TIFF_BIG_ENDIAN)) {
            return Optional.of(TIFF);
        }
        if (startsWith(bytes, 0, BMP_SIGNATURE) && bytes.length > BMP_HEADER_BYTES) {
            return Optional.of(BMP);
        }
        return Optional.empty();
    }

    /**
     * Whether the file ends the way a complete file of this format ends. This catches truncated uploads of images
     * that are sent on untouched, without decoding them; decoded images are checked by the decoder itself.
     */
    public boolean looksComplete(byte[] bytes) {
        return switch (this) {
            case PNG -> endsWith(bytes, PNG_IEND);
            case JPEG -> hasEndOfImageMarker(bytes);
            case GIF -> bytes.length > 0 && (bytes[bytes.length - 1] & 0xFF) == GIF_TRAILER;
            case WEBP -> bytes.length >= 12 && littleEndianInt(bytes, 4) + 8L <= bytes.length;
            case BMP, TIFF -> true;
        };
    }

    private static boolean hasEndOfImageMarker(byte[] bytes) {
        int stop = Math.max(JPEG_SIGNATURE.length, bytes.length - JPEG_EOI_SEARCH_WINDOW);
        for (int i = bytes.length - 2; i >= stop; i--) {
            if (bytes[i] == (byte) 0xFF && bytes[i + 1] == (byte) 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static long littleEndianInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFFL) | (bytes[offset + 1] & 0xFFL) << 8 | (bytes[offset + 2] & 0xFFL) << 16
                | (bytes[offset + 3] & 0xFFL) << 24;
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        return bytes.length >= suffix.length && startsWith(bytes, bytes.length - suffix.length, suffix);
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        return bytes.length >= offset + prefix.length
                && Arrays.equals(bytes, offset, offset + prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
