package dev.visionapi.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Test images made on the spot with Java2D and ImageIO, plus hand-built hostile files. */
public final class TestImageFactory {

    private TestImageFactory() {
    }

    /** An image whose left half is {@code left} and right half {@code right}. */
    public static BufferedImage halves(int width, int height, Color left, Color right) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(left);
        graphics.fillRect(0, 0, width / 2, height);
        graphics.setColor(right);
        graphics.fillRect(width / 2, 0, width - width / 2, height);
        graphics.dispose();
        return image;
    }

    /** Random noise: the worst case for compression, so a photo-sized one is many megabytes as JPEG. */
    public static BufferedImage noise(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                row[x] = random.nextInt(0x1000000);
            }
            image.setRGB(0, y, width, 1, row, 0, width);
        }
        return image;
    }

    /** Opaque red on the left, fully transparent on the right. */
    public static BufferedImage halfTransparent(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.RED);
        graphics.fillRect(0, 0, width / 2, height);
        graphics.dispose();
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalStateException("No writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream output = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(output);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** A JPEG with an EXIF APP1 segment holding only the given orientation tag, inserted right after SOI. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8) // big-endian TIFF header, IFD0 at offset 8
                .putShort((short) 1) // one entry
                .putShort((short) 0x0112).putShort((short) 3).putInt(1) // Orientation, SHORT, count 1
                .putShort((short) orientation).putShort((short) 0) // value, padded to 4 bytes
                .putInt(0); // no next IFD
        byte[] exif = concat(new byte[] {'E', 'x', 'i', 'f', 0, 0}, tiff.array());
        int length = exif.length + 2;
        byte[] app1 = concat(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length}, exif);
        return concat(concat(new byte[] {jpeg[0], jpeg[1]}, app1), Arrays.copyOfRange(jpeg, 2, jpeg.length));
    }

    /** An animated GIF whose frames are filled with the given colours, in order. */
    public static byte[] animatedGif(int width, int height, Color... frames) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream output = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(output);
            writer.prepareWriteSequence(null);
            for (Color colour : frames) {
                BufferedImage frame = halves(width, height, colour, colour);
                IIOMetadata metadata = writer.getDefaultImageMetadata(
                        ImageTypeSpecifier.createFromRenderedImage(frame), null);
                String format = metadata.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
                IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", "50");
                control.setAttribute("transparentColorIndex", "0");
                root.appendChild(control);
                metadata.setFromTree(format, root);
                writer.writeToSequence(new IIOImage(frame, null, metadata), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * A real PNG decompression bomb: a greyscale image of {@code side} × {@code side} zero pixels, whose IDAT
     * deflates a thousandfold.
     */
    public static byte[] pngBomb(int side) {
        return pngBomb(side, side, false);
    }

    /**
     * A PNG of {@code width} × {@code height} black pixels, greyscale or RGB, deflated as far as zlib goes: about a
     * thousandth of its raw size, as small as a complete PNG of that size can be.
     */
    public static byte[] pngBomb(int width, int height, boolean rgb) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[width * (rgb ? 3 : 1) + 1]; // filter byte 0 and the pixels, all zero
        byte[] buffer = new byte[64 * 1024];
        for (int y = 0; y < height; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return png(width, height, rgb ? 2 : 0, idat.toByteArray());
    }

    /** A PNG whose header claims {@code width} × {@code height} RGB pixels, with no pixel data at all. */
    public static byte[] pngHeaderOnly(int width, int height) {
        return png(width, height, 2, new byte[0]);
    }

    /** A GIF whose logical screen and only image descriptor claim the given size, with no pixel data. */
    public static byte[] gifHeaderOnly(int width, int height) {
        ByteBuffer gif = ByteBuffer.allocate(6 + 7 + 10 + 2).order(ByteOrder.LITTLE_ENDIAN);
        gif.put("GIF89a".getBytes(StandardCharsets.US_ASCII));
        gif.putShort((short) width).putShort((short) height).put((byte) 0).put((byte) 0).put((byte) 0);
        gif.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height)
                .put((byte) 0);
        gif.put((byte) 8).put((byte) 0x3B);
        return gif.array();
    }

    /** Where a GIF frame sits on the logical screen, and its size. */
    public record GifFrame(int left, int top, int width, int height) {
    }

    /**
     * A complete GIF, built by hand: a logical screen of the given size with a two-colour global table, and the given
     * frames, each all black. The LZW data sends a clear code before every pixel, so that every code stays 3 bits.
     */
    public static byte[] gif(int screenWidth, int screenHeight, GifFrame... frames) {
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        gif.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        gif.writeBytes(littleEndianShorts(screenWidth, screenHeight));
        gif.writeBytes(new byte[] {(byte) 0x80, 0, 0}); // global table of 2 colours, background 0, no aspect ratio
        gif.writeBytes(new byte[] {0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        for (GifFrame frame : frames) {
            gif.write(0x2C);
            gif.writeBytes(littleEndianShorts(frame.left(), frame.top(), frame.width(), frame.height()));
            gif.write(0); // no local table, not interlaced
            gif.write(2); // LZW minimum code size: clear is 4, end 5, codes 3 bits wide
            byte[] data = lzwOfZeros(frame.width() * frame.height());
            for (int at = 0; at < data.length; at += 255) {
                int length = Math.min(255, data.length - at);
                gif.write(length);
                gif.write(data, at, length);
            }
            gif.write(0);
        }
        gif.write(0x3B);
        return gif.toByteArray();
    }

    private static byte[] lzwOfZeros(int pixels) {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        int bits = 0;
        int count = 0;
        for (int i = 0; i <= pixels; i++) {
            int[] codes = i < pixels ? new int[] {4, 0} : new int[] {5};
            for (int code : codes) {
                bits |= code << count;
                count += 3;
                while (count >= 8) {
                    packed.write(bits & 0xFF);
                    bits >>>= 8;
                    count -= 8;
                }
            }
        }
        if (count > 0) {
            packed.write(bits & 0xFF);
        }
        return packed.toByteArray();
    }

    private static byte[] littleEndianShorts(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putShort((short) value);
        }
        return buffer.array();
    }

    /** A JPEG that is nothing but SOI and a baseline SOF0 claiming the given size: a frame header flood. */
    public static byte[] jpegHeaderOnly(int width, int height) {
        ByteBuffer jpeg = ByteBuffer.allocate(2 + 19 + 2);
        jpeg.put((byte) 0xFF).put((byte) 0xD8);
        jpeg.put((byte) 0xFF).put((byte) 0xC0).putShort((short) 17).put((byte) 8)
                .putShort((short) height).putShort((short) width).put((byte) 3);
        for (int component = 1; component <= 3; component++) {
            jpeg.put((byte) component).put((byte) 0x11).put((byte) 0);
        }
        jpeg.put((byte) 0xFF).put((byte) 0xD9);
        return jpeg.array();
    }

    private static byte[] png(int width, int height, int colourType, byte[] idat) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        if (idat.length > 0) {
            chunk(png, "IDAT", idat);
        }
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** Writes one PNG chunk: length, type, data and the CRC of type and data. */
    static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(typeBytes);
        png.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
