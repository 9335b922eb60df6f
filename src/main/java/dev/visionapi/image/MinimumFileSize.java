package dev.visionapi.image;

import java.util.OptionalLong;

import dev.visionapi.image.ImageResizer.Size;

/**
 * The fewest bytes a complete image of a declared size can take in its format, at the format's best possible
 * compression: a file smaller than that cannot hold the pixels its header claims. Decoders fill what is missing with
 * grey rather than fail, at the full cost of the declared size, so such a file is refused before it is decoded. Each
 * bound is the format's theoretical limit, never a typical ratio, so no real photo, screenshot or flat image is
 * refused.
 */
final class MinimumFileSize {

    /**
     * Deflate codes at most 258 bytes with one length and one distance symbol of at least 1 bit each: no zlib stream
     * can be more than 1032 times smaller than its data.
     */
    private static final long DEFLATE_MAX_RATIO = 1032;
    /**
     * GIF's LZW codes are at most 12 bits wide, and a code of width k stands for fewer than 2^k pixels: at most 4096
     * pixels per 12 bits, so 8 bytes hold at most 8 * 8 * 4096 / 12 pixels.
     */
    private static final long GIF_MAX_PIXELS_PER_8_BYTES = 8 * 8 * 4096 / 12;
    /**
     * A JPEG codes every 8 × 8 block of its full-resolution component with at least one DC Huffman code of at least 1
     * bit (progressive ones too: a DC scan comes first; AC scans can be nearly free). Arithmetic-coded JPEGs could go
     * lower, but no decoder here reads them.
     */
    private static final long JPEG_MIN_BITS_PER_BLOCK = 1;

    private static final int PNG_IHDR_BIT_DEPTH = 24;
    private static final int PNG_IHDR_COLOUR_TYPE = 25;
    private static final int BMP_DIB_HEADER_SIZE = 14;
    private static final int BMP_CORE_HEADER = 12;
    private static final int BMP_CORE_BIT_COUNT = 24;
    private static final int BMP_INFO_BIT_COUNT = 28;
    private static final int BMP_INFO_COMPRESSION = 30;

    private MinimumFileSize() {
    }

    /**
     * The fewest bytes a complete {@code format} file of {@code size} pixels takes, or empty where the format has no
     * such bound: WebP's lossless mode codes a one-colour image in zero bits a pixel and its lossy mode skips
     * macroblocks for a fraction of a bit, TIFF has CCITT fax (a blank row in 1 bit) and missing strips, BMP's RLE can
     * end the bitmap early. Those rely on the size limits and the decode queue alone.
     */
    static OptionalLong of(ImageFormat format, byte[] bytes, Size size) {
        long pixels = (long) size.width() * size.height();
        return switch (format) {
            case PNG -> pngRowBits(bytes, size.width())
                    .stream().map(rowBits -> size.height() * (1 + (rowBits + 7) / 8) / DEFLATE_MAX_RATIO).findFirst();
            case JPEG -> OptionalLong.of(((size.width() + 7L) / 8) * ((size.height() + 7L) / 8)
                    * JPEG_MIN_BITS_PER_BLOCK / 8);
            case GIF -> OptionalLong.of(pixels * 8 / GIF_MAX_PIXELS_PER_8_BYTES);
            case BMP -> bmpUncompressedRowBits(bytes, size.width())
                    .stream().map(rowBits -> size.height() * ((rowBits + 31) / 32 * 4)).findFirst();
            case WEBP, TIFF -> OptionalLong.empty();
        };
    }

    /**
     * Bits of one row of raw PNG data (its filter byte apart), from IHDR's bit depth and colour type; empty if IHDR is
     * not where the signature puts it (the reader then refuses the file anyway). Interlaced images have more raw data,
     * so the non-interlaced figure is a lower bound for them too.
     */
    private static OptionalLong pngRowBits(byte[] bytes, int width) {
        if (bytes.length <= PNG_IHDR_COLOUR_TYPE) {
            return OptionalLong.empty();
        }
        int bitDepth = bytes[PNG_IHDR_BIT_DEPTH] & 0xFF;
        int channels = switch (bytes[PNG_IHDR_COLOUR_TYPE] & 0xFF) {
            case 0, 3 -> 1; // greyscale, palette
            case 4 -> 2; // greyscale and alpha
            case 2 -> 3; // RGB
            case 6 -> 4; // RGB and alpha
            default -> 0;
        };
        if (bitDepth == 0 || channels == 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) width * bitDepth * channels);
    }

    /** Bits of one row of an uncompressed BMP (BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS), else empty. */
    private static OptionalLong bmpUncompressedRowBits(byte[] bytes, int width) {
        if (bytes.length < BMP_DIB_HEADER_SIZE + 4) {
            return OptionalLong.empty();
        }
        long headerSize = littleEndian(bytes, BMP_DIB_HEADER_SIZE, 4);
        int bitCount;
        if (headerSize == BMP_CORE_HEADER && bytes.length >= BMP_CORE_BIT_COUNT + 2) {
            bitCount = (int) littleEndian(bytes, BMP_CORE_BIT_COUNT, 2);
        } else if (headerSize >= 40 && bytes.length >= BMP_INFO_COMPRESSION + 4) {
            long compression = littleEndian(bytes, BMP_INFO_COMPRESSION, 4);
            if (compression != 0 && compression != 3 && compression != 6) {
                return OptionalLong.empty();
            }
            bitCount = (int) littleEndian(bytes, BMP_INFO_BIT_COUNT, 2);
        } else {
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) width * Math.max(1, bitCount));
    }

    private static long littleEndian(byte[] bytes, int offset, int length) {
        long value = 0;
        for (int i = length - 1; i >= 0; i--) {
            value = value << 8 | (bytes[offset + i] & 0xFF);
        }
        return value;
    }
}
