package dev.visionapi.image;

import java.awt.Color;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Images carrying the metadata the service must not pass on (EXIF with GPS positions, XMP, IPTC, comments, text
 * chunks, a zTXt bomb), built by inserting segments, chunks and blocks into images made by ImageIO or cwebp, and
 * readers of the structure that tests compare.
 */
public final class MetadataFixtures {

    public static final String COMMENT = "shot at home, 12 Secret Lane";
    public static final String XMP_NAMESPACE = "http://ns.adobe.com/xap/1.0/";
    private static final String XMP_PACKET = "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF/></x:xmpmeta>";

    private MetadataFixtures() {
    }

    // --- JPEG ---

    /**
     * The JPEG with, after its JFIF segment: EXIF holding a GPS position, XMP, IPTC (APP13), a comment, an ICC
     * profile (APP2) and an Adobe segment (APP14); and an EXIF thumbnail appended after the end-of-image marker.
     */
    public static byte[] jpegWithMetadata(byte[] jpeg) {
        int afterJfif = 2 + 2 + ((jpeg[4] & 0xFF) << 8 | jpeg[5] & 0xFF);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, afterJfif);
        segment(out, 0xE1, concat(ascii("Exif\0\0"), exifWithGps()));
        segment(out, 0xE1, concat(ascii(XMP_NAMESPACE + "\0"), ascii(XMP_PACKET)));
        segment(out, 0xED, ascii("Photoshop 3.0\08BIM\u0004\u0004\0\0\0\0\0\u0008\u001c\u0002\u0078\0\u0003abc"));
        segment(out, 0xFE, ascii(COMMENT));
        segment(out, 0xE2, concat(ascii("ICC_PROFILE\0"), concat(new byte[] {1, 1}, srgbProfile())));
        // Transform 1: the components are YCbCr, as ImageIO writes them.
        segment(out, 0xEE, concat(ascii("Adobe"), new byte[] {0, 100, 0, 0, 0, 0, 1}));
        out.write(jpeg, afterJfif, jpeg.length - afterJfif);
        out.writeBytes(TestImageFactory.jpeg(TestImageFactory.halves(16, 16,
                Color.GREEN, Color.GREEN), 0.8f));
        return out.toByteArray();
    }

    /** The second bytes of a JPEG's markers after SOI, in order, up to and with the first scan's (0xDA). */
    public static List<Integer> jpegMarkersBeforeScan(byte[] jpeg) {
        List<Integer> markers = new ArrayList<>();
        int i = 2;
        while (true) {
            int marker = jpeg[i + 1] & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) {
                return markers;
            }
            i += 2 + ((jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF);
        }
    }

    public static byte[] srgbProfile() {
        return ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
    }

    /** A big-endian TIFF structure: IFD0 with a GPS IFD pointer, the GPS IFD with latitude and longitude. */
    private static byte[] exifWithGps() {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 18 + 2 + 4 * 12 + 4 + 48).order(ByteOrder.BIG_ENDIAN);
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8);
        tiff.putShort((short) 1).putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(26).putInt(0);
        int values = 26 + 2 + 4 * 12 + 4;
        tiff.putShort((short) 4);
        tiff.putShort((short) 1).putShort((short) 2).putInt(2).put(new byte[] {'N', 0, 0, 0}); // GPSLatitudeRef
        tiff.putShort((short) 2).putShort((short) 5).putInt(3).putInt(values); // GPSLatitude
        tiff.putShort((short) 3).putShort((short) 2).putInt(2).put(new byte[] {'W', 0, 0, 0}); // GPSLongitudeRef
        tiff.putShort((short) 4).putShort((short) 5).putInt(3).putInt(values + 24); // GPSLongitude
        tiff.putInt(0);
        for (int degrees : new int[] {51, 30, 26, 0, 7, 39}) { // 51° 30' 26", 0° 7' 39"
            tiff.putInt(degrees).putInt(1);
        }
        return tiff.array();
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] data) {
        int length = data.length + 2;
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length});
        out.writeBytes(data);
    }

    // --- PNG ---

    /**
     * The PNG with, after its IHDR: gAMA and sRGB (which change colours), tEXt, zTXt, iTXt with XMP, tIME, pHYs,
     * eXIf and a private chunk; the zTXt is given by the caller.
     */
    public static byte[] pngWithMetadata(byte[] png, byte[] zTxtData) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int afterIhdr = 8 + 12 + 13;
        out.write(png, 0, afterIhdr);
        TestImageFactory.chunk(out, "gAMA", ByteBuffer.allocate(4).putInt(45455).array());
        TestImageFactory.chunk(out, "sRGB", new byte[] {0});
        TestImageFactory.chunk(out, "tEXt", ascii("Comment\0" + COMMENT));
        TestImageFactory.chunk(out, "zTXt", zTxtData);
        TestImageFactory.chunk(out, "iTXt", concat(ascii("XML:com.adobe.xmp\0\0\0\0\0"), ascii(XMP_PACKET)));
        TestImageFactory.chunk(out, "tIME", new byte[] {0x07, (byte) 0xEA, 12, 3, 13, 0, 0});
        TestImageFactory.chunk(out, "pHYs", new byte[] {0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1});
        TestImageFactory.chunk(out, "eXIf", exifWithGps());
        TestImageFactory.chunk(out, "prVt", ascii(COMMENT));
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    /** The PNG with an iCCP chunk holding the given deflated profile, after its IHDR. */
    public static byte[] pngWithIccProfile(byte[] png, byte[] deflatedProfile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int afterIhdr = 8 + 12 + 13;
        out.write(png, 0, afterIhdr);
        TestImageFactory.chunk(out, "iCCP", concat(ascii("ICC profile\0\0"), deflatedProfile));
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    /** zTXt data: keyword, compression method and deflated text. */
    public static byte[] zTxt(byte[] deflated) {
        return concat(ascii("Comment\0\0"), deflated);
    }

    public static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[data.length + 64];
        int length = deflater.deflate(buffer);
        deflater.end();
        return Arrays.copyOf(buffer, length);
    }

    /**
     * A zlib stream about 2 MB long that inflates to {@code mebibytes} MiB of zeros, with a valid checksum: built
     * from one flushed block repeated, so that it takes milliseconds to make and nothing inflates it here.
     */
    public static byte[] zlibBomb(int mebibytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        deflater.setInput(zeros);
        out.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH)); // with the zlib header
        deflater.setInput(zeros);
        // After a full flush the compressor starts afresh, so every further MiB of zeros compresses to these bytes.
        byte[] repeated = Arrays.copyOf(buffer, deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH));
        for (int i = 1; i < mebibytes; i++) {
            out.writeBytes(repeated);
        }
        deflater.finish();
        int last = deflater.deflate(buffer);
        deflater.end();
        out.write(buffer, 0, last - 4); // the final empty block, without the checksum of what this deflater saw
        // Adler-32 of n zero bytes: A stays 1, B counts the bytes.
        long total = (long) mebibytes << 20;
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) ((total % 65521) << 16 | 1)).array());
        return out.toByteArray();
    }

    /** The types of a PNG's chunks, in order. */
    public static List<String> pngChunkTypes(byte[] png) {
        List<String> types = new ArrayList<>();
        for (int i = 8; i < png.length; i += 12 + ByteBuffer.wrap(png, i, 4).getInt()) {
            types.add(new String(png, i + 4, 4, StandardCharsets.ISO_8859_1));
        }
        return types;
    }

    /** Whether every chunk's CRC matches its type and data. */
    public static boolean pngChunksHaveValidCrcs(byte[] png) {
        for (int i = 8; i < png.length;) {
            int length = ByteBuffer.wrap(png, i, 4).getInt();
            CRC32 crc = new CRC32();
            crc.update(png, i + 4, 4 + length);
            if ((int) crc.getValue() != ByteBuffer.wrap(png, i + 8 + length, 4).getInt()) {
                return false;
            }
            i += 12 + length;
        }
        return true;
    }

    // --- WebP ---

    /**
     * A simple-format WebP (one VP8 or VP8L chunk) turned into the extended format with EXIF (odd-sized, so padded)
     * and XMP chunks, the VP8X flags saying so, and bytes after the RIFF container.
     */
    public static byte[] webpWithMetadata(byte[] simpleWebp, int width, int height) {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        ByteBuffer vp8x = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        vp8x.put((byte) 0x0C).put(new byte[3]);
        vp8x.put((byte) (width - 1)).put((byte) (width - 1 >> 8)).put((byte) (width - 1 >> 16));
        vp8x.put((byte) (height - 1)).put((byte) (height - 1 >> 8)).put((byte) (height - 1 >> 16));
        riffChunk(chunks, "VP8X", vp8x.array());
        chunks.write(simpleWebp, 12, simpleWebp.length - 12);
        riffChunk(chunks, "EXIF", concat(exifWithGps(), new byte[] {7}));
        riffChunk(chunks, "XMP ", ascii(XMP_PACKET));
        return concat(riff(chunks.toByteArray()), ascii(COMMENT));
    }

    /** The FourCCs of a WebP's chunks, in order. */
    public static List<String> webpChunkTypes(byte[] webp) {
        List<String> types = new ArrayList<>();
        int end = 8 + ByteBuffer.wrap(webp, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        for (int i = 12; i < end;) {
            types.add(new String(webp, i, 4, StandardCharsets.ISO_8859_1));
            int size = ByteBuffer.wrap(webp, i + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            i += 8 + size + (size & 1);
        }
        return types;
    }

    private static byte[] riff(byte[] chunks) {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.put(ascii("RIFF")).putInt(4 + chunks.length).put(ascii("WEBP"));
        return concat(header.array(), chunks);
    }

    private static void riffChunk(ByteArrayOutputStream out, String fourCc, byte[] data) {
        out.writeBytes(ascii(fourCc));
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(data.length).array());
        out.writeBytes(data);
        if (data.length % 2 == 1) {
            out.write(0);
        }
    }

    // --- GIF ---

    /**
     * The GIF with, before its first block: a comment, an XMP application extension and the NETSCAPE2.0 looping
     * extension.
     */
    public static byte[] gifWithMetadata(byte[] gif) {
        int flags = gif[10] & 0xFF;
        int afterScreen = 13 + ((flags & 0x80) == 0 ? 0 : 3 * (2 << (flags & 7)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gif, 0, afterScreen);
        out.writeBytes(new byte[] {0x21, (byte) 0xFE});
        subBlocks(out, ascii(COMMENT));
        out.writeBytes(new byte[] {0x21, (byte) 0xFF, 11});
        out.writeBytes(ascii("XMP DataXMP"));
        subBlocks(out, ascii(XMP_PACKET));
        out.writeBytes(new byte[] {0x21, (byte) 0xFF, 11});
        out.writeBytes(ascii("NETSCAPE2.0"));
        out.writeBytes(new byte[] {3, 1, 0, 0, 0});
        out.write(gif, afterScreen, gif.length - afterScreen);
        return out.toByteArray();
    }

    private static void subBlocks(ByteArrayOutputStream out, byte[] data) {
        for (int i = 0; i < data.length; i += 255) {
            int size = Math.min(255, data.length - i);
            out.write(size);
            out.write(data, i, size);
        }
        out.write(0);
    }

    // --- all ---

    /** Whether {@code text} occurs anywhere in the bytes, read one char per byte. */
    public static boolean contains(byte[] bytes, String text) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(text);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
