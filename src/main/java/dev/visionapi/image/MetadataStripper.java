package dev.visionapi.image;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Removes metadata (EXIF with its GPS positions, XMP, IPTC, comments, text chunks, trailing data) from an image that
 * is sent on without re-encoding, by copying the segments, chunks or blocks that make its pixels and their colours
 * and leaving out the rest; pixel data is never touched. One pass over the container's structure; a copy is made only
 * when something is left out. An image whose structure is not understood yields nothing, so that the caller can
 * re-encode it instead of sending it as it is.
 *
 * <p>Kept: JPEG's JFIF (APP0), ICC profile (APP2) and Adobe (APP14) segments, which decoders need for the colours;
 * PNG's critical chunks, those that change pixels or colours (tRNS, gAMA, cHRM, sRGB, sBIT, cICP, mDCv, cLLi, and
 * an iCCP profile that inflates to at most {@value #MAX_ICC_PROFILE_BYTES} bytes: a real one is a few kilobytes,
 * larger is a bomb) and the APNG frames; WebP's image, alpha, animation and ICC chunks; GIF's images, graphic
 * control and plain text extensions, and the NETSCAPE2.0 looping and ICC profile application extensions. Dropping
 * EXIF loses no orientation: a JPEG whose EXIF orientation is not upright is turned and re-encoded, never stripped.
 */
final class MetadataStripper {

    static final int MAX_ICC_PROFILE_BYTES = 1024 * 1024;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final byte[] JFIF = ascii("JFIF\0");
    private static final byte[] ICC_PROFILE = ascii("ICC_PROFILE\0");
    private static final byte[] ADOBE = ascii("Adobe");
    private static final int PNG_SIGNATURE_BYTES = 8;
    private static final String[] PNG_KEPT_ANCILLARY = {
        "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "cICP", "mDCv", "cLLi", "acTL", "fcTL", "fdAT"};
    private static final String[] WEBP_KEPT = {"VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF", "ICCP"};
    // VP8X flags: bit 3 says there is an EXIF chunk, bit 2 an XMP chunk.
    private static final int WEBP_EXIF_AND_XMP_FLAGS = 0x0C;
    private static final String[] GIF_KEPT_APPLICATIONS = {"NETSCAPE2.0", "ANIMEXTS1.0", "ICCRGBG1012"};

    private MetadataStripper() {
    }

    /**
     * The image without its metadata: {@code image} itself when it has none, else a copy without it. Empty when the
     * structure is damaged or unknown.
     */
    static Optional<byte[]> strip(ImageFormat format, byte[] image) {
        try {
            return Optional.of(switch (format) {
                case JPEG -> jpeg(image);
                case PNG -> png(image);
                case WEBP -> webp(image);
                case GIF -> gif(image);
                case BMP, TIFF -> throw new IllegalArgumentException(format + " is never sent as it is");
            });
        } catch (Malformed | IndexOutOfBoundsException e) {
            // Every read is bounds-checked; an index out of bounds would still only mean a structure not understood.
            return Optional.empty();
        }
    }

    private static byte[] jpeg(byte[] image) {
        Cuts cuts = new Cuts();
        int i = 2; // after SOI
        while (true) {
            require(i + 1 < image.length && (image[i] & 0xFF) == 0xFF);
            int start = i;
            while ((image[i + 1] & 0xFF) == 0xFF) { // fill bytes before the marker
                i++;
                require(i + 1 < image.length);
            }
            int marker = image[i + 1] & 0xFF;
            if (marker == 0xD9) { // EOI: whatever follows (thumbnails, MPF previews, vendor trailers) is dropped
                cuts.drop(i + 2, image.length);
                return cuts.applyTo(image);
            }
            if (marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) { // RSTn and TEM stand alone
                i += 2;
                continue;
            }
            require(marker != 0xD8 && marker != 0x00 && i + 4 <= image.length);
            int end = i + 2 + unsignedShort(image, i + 2);
            require(end <= image.length && end >= i + 4);
            if (marker >= 0xE0 && marker <= 0xEF || marker == 0xFE) {
                if (!keptJpegSegment(image, marker, i + 4, end)) {
                    cuts.drop(start, end);
                }
                i = end;
            } else if (marker == 0xDA) {
                i = endOfEntropyCodedData(image, end);
            } else {
                i = end;
            }
        }
    }

    private static boolean keptJpegSegment(byte[] image, int marker, int data, int end) {
        return switch (marker) {
            case 0xE0 -> startsWith(image, data, end, JFIF);
            case 0xE2 -> startsWith(image, data, end, ICC_PROFILE);
            case 0xEE -> startsWith(image, data, end, ADOBE);
            default -> false;
        };
    }

    /** The offset of the first marker after a scan: a 0xFF not followed by a stuffed zero, a restart or a fill byte. */
    private static int endOfEntropyCodedData(byte[] image, int from) {
        int i = from;
        while (i + 1 < image.length) {
            // Eight bytes at a time while none is 0xFF: the scan is most of a JPEG, and this is the whole cost.
            if (i + Long.BYTES <= image.length && !hasFfByte((long) LONGS.get(image, i))) {
                i += Long.BYTES;
                continue;
            }
            if (image[i] == (byte) 0xFF) {
                int next = image[i + 1] & 0xFF;
                if (next != 0x00 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
                    return i;
                }
            }
            i++;
        }
        throw new Malformed();
    }

    /** Whether any of the eight bytes is 0xFF: inverted, such a byte is zero, which the borrow trick finds. */
    private static boolean hasFfByte(long eightBytes) {
        long inverted = ~eightBytes;
        return ((inverted - 0x0101010101010101L) & ~inverted & 0x8080808080808080L) != 0;
    }

    private static byte[] png(byte[] image) {
        Cuts cuts = new Cuts();
        int i = PNG_SIGNATURE_BYTES;
        while (true) {
            require(i + 12 <= image.length);
            long length = unsignedInt(image, i);
            require(length <= image.length - i - 12);
            int end = i + 12 + (int) length;
            String type = new String(image, i + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("IEND")) {
                cuts.drop(end, image.length);
                return cuts.applyTo(image);
            }
            // Whole chunks are copied with their own CRCs; nothing else in a PNG depends on where a chunk lies.
            if (!keptPngChunk(type, image, i + 8, end - 4)) {
                cuts.drop(i, end);
            }
            i = end;
        }
    }

    private static boolean keptPngChunk(String type, byte[] image, int data, int end) {
        if ((type.charAt(0) & 0x20) == 0) {
            return true; // critical (bit 5 of the first letter clear): IHDR, PLTE, IDAT, any a decoder must understand
        }
        if (type.equals("iCCP")) {
            return iccProfileIsSmall(image, data, end);
        }
        return Arrays.asList(PNG_KEPT_ANCILLARY).contains(type);
    }

    /** Whether an iCCP chunk's profile inflates to at most {@link #MAX_ICC_PROFILE_BYTES}, inflating no further. */
    private static boolean iccProfileIsSmall(byte[] image, int data, int end) {
        int name = data;
        while (name < end && image[name] != 0) {
            name++;
        }
        int compressed = name + 2; // the name's NUL, then the compression method
        if (compressed > end) {
            return false;
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(image, compressed, end - compressed);
            byte[] scratch = new byte[8192];
            long inflated = 0;
            while (!inflater.finished() && inflated <= MAX_ICC_PROFILE_BYTES) {
                int n = inflater.inflate(scratch);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return false; // truncated: no decoder could use it
                }
                inflated += n;
            }
            return inflated <= MAX_ICC_PROFILE_BYTES;
        } catch (DataFormatException e) {
            return false;
        } finally {
            inflater.end();
        }
    }

    private static byte[] webp(byte[] image) {
        require(image.length >= 12);
        long riffEnd = 8 + unsignedIntLittleEndian(image, 4);
        require(riffEnd <= image.length);
        int end = (int) riffEnd;
        Cuts cuts = new Cuts();
        int flags = -1;
        int i = 12;
        while (i < end) {
            require(i + 8 <= end);
            long size = unsignedIntLittleEndian(image, i + 4);
            require(size <= end - i - 8);
            // Chunks are padded to an even length; some writers leave out the last chunk's padding.
            int chunkEnd = (int) Math.min(end, i + 8 + size + (size & 1));
            String fourCc = new String(image, i, 4, StandardCharsets.ISO_8859_1);
            if (fourCc.equals("VP8X")) {
                require(i == 12 && size >= 10); // first, or the file is not one the flags can be fixed in
                flags = image[i + 8] & 0xFF;
            } else if (!Arrays.asList(WEBP_KEPT).contains(fourCc)) {
                cuts.drop(i, chunkEnd);
            }
            i = chunkEnd;
        }
        cuts.drop(end, image.length);
        if (!cuts.any() && (flags == -1 || (flags & WEBP_EXIF_AND_XMP_FLAGS) == 0)) {
            return image;
        }
        byte[] stripped = cuts.copyWithout(image);
        writeIntLittleEndian(stripped, 4, stripped.length - 8);
        if (flags != -1) {
            stripped[20] = (byte) (flags & ~WEBP_EXIF_AND_XMP_FLAGS);
        }
        return stripped;
    }

    private static byte[] gif(byte[] image) {
        require(image.length >= 13);
        int screenFlags = image[10] & 0xFF;
        int i = 13 + colourTableBytes(screenFlags);
        Cuts cuts = new Cuts();
        while (true) {
            require(i < image.length);
            int block = image[i] & 0xFF;
            if (block == 0x3B) { // trailer
                cuts.drop(i + 1, image.length);
                return cuts.applyTo(image);
            }
            if (block == 0x2C) { // image descriptor, local colour table, LZW code size, data sub-blocks
                require(i + 10 < image.length);
                i = skipSubBlocks(image, i + 10 + colourTableBytes(image[i + 9] & 0xFF) + 1);
            } else {
                require(block == 0x21 && i + 2 < image.length);
                int label = image[i + 1] & 0xFF;
                int end = skipSubBlocks(image, i + 2);
                if (!keptGifExtension(image, label, i + 2)) {
                    cuts.drop(i, end);
                }
                i = end;
            }
        }
    }

    private static boolean keptGifExtension(byte[] image, int label, int firstSubBlock) {
        return switch (label) {
            case 0xF9, 0x01 -> true; // graphic control, plain text: both change what is shown
            case 0xFF -> {
                int size = image[firstSubBlock] & 0xFF;
                String application = size == 11
                        ? new String(image, firstSubBlock + 1, 11, StandardCharsets.ISO_8859_1)
                        : "";
                yield Arrays.asList(GIF_KEPT_APPLICATIONS).contains(application);
            }
            default -> false; // comments (0xFE) and any unknown extension
        };
    }

    private static int colourTableBytes(int flags) {
        return (flags & 0x80) == 0 ? 0 : 3 * (2 << (flags & 0x07));
    }

    /** The offset after a chain of data sub-blocks and its zero-length terminator. */
    private static int skipSubBlocks(byte[] image, int from) {
        int i = from;
        while (true) {
            require(i < image.length);
            int size = image[i] & 0xFF;
            i += 1 + size;
            if (size == 0) {
                return i;
            }
        }
    }

    private static boolean startsWith(byte[] image, int from, int end, byte[] prefix) {
        return end - from >= prefix.length
                && Arrays.equals(image, from, from + prefix.length, prefix, 0, prefix.length);
    }

    private static int unsignedShort(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 8 | bytes[offset + 1] & 0xFF;
    }

    private static long unsignedInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFFL) << 24 | (bytes[offset + 1] & 0xFFL) << 16 | (bytes[offset + 2] & 0xFFL) << 8
                | bytes[offset + 3] & 0xFFL;
    }

    private static long unsignedIntLittleEndian(byte[] bytes, int offset) {
        return bytes[offset] & 0xFFL | (bytes[offset + 1] & 0xFFL) << 8 | (bytes[offset + 2] & 0xFFL) << 16
                | (bytes[offset + 3] & 0xFFL) << 24;
    }

    private static void writeIntLittleEndian(byte[] bytes, int offset, int value) {
        bytes[offset] = (byte) value;
        bytes[offset + 1] = (byte) (value >> 8);
        bytes[offset + 2] = (byte) (value >> 16);
        bytes[offset + 3] = (byte) (value >> 24);
    }

    private static void require(boolean structureHolds) {
        if (!structureHolds) {
            throw new Malformed();
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The byte ranges left out, in ascending order, adjacent ones merged. */
    private static final class Cuts {

        private int[] ranges = new int[16];
        private int size;

        void drop(int from, int to) {
            if (from >= to) {
                return;
            }
            if (size > 0 && ranges[size - 1] == from) {
                ranges[size - 1] = to;
                return;
            }
            if (size == ranges.length) {
                ranges = Arrays.copyOf(ranges, size * 2);
            }
            ranges[size++] = from;
            ranges[size++] = to;
        }

        boolean any() {
            return size > 0;
        }

        /** {@code image} itself when nothing is left out, else a copy without the ranges. */
        byte[] applyTo(byte[] image) {
            return any() ? copyWithout(image) : image;
        }

        byte[] copyWithout(byte[] image) {
            int dropped = 0;
            for (int r = 0; r < size; r += 2) {
                dropped += ranges[r + 1] - ranges[r];
            }
            byte[] copy = new byte[image.length - dropped];
            int from = 0;
            int to = 0;
            for (int r = 0; r < size; r += 2) {
                int kept = ranges[r] - from;
                System.arraycopy(image, from, copy, to, kept);
                to += kept;
                from = ranges[r + 1];
            }
            System.arraycopy(image, from, copy, to, image.length - from);
            return copy;
        }
    }

    /** The structure is not one this class understands; thrown without a stack trace, as it is expected. */
    private static final class Malformed extends RuntimeException {

        Malformed() {
            super(null, null, false, false);
        }
    }
}
