package dev.visionapi.image;

import dev.visionapi.image.ImageResizer.Size;

/**
 * The area a GIF covers: its logical screen and every frame's extent (position plus size), whichever reaches further.
 * Image readers report the first frame's size only, while a viewer, and Bedrock, size the image by the logical screen
 * and draw every frame in it: a GIF of 8 × 8 frames may declare a 65535 × 65535 screen. The blocks are walked without
 * decompressing anything; a file that ends early or holds an unknown block is measured as far as it goes (the
 * completeness check and the decoder judge the rest).
 */
final class GifCanvas {

    private static final int LOGICAL_SCREEN = 6;
    private static final int FIRST_BLOCK = 13;
    private static final int EXTENSION = 0x21;
    private static final int IMAGE_DESCRIPTOR = 0x2C;
    private static final int COLOUR_TABLE_FLAG = 0x80;

    private GifCanvas() {
    }

    /** The canvas of a GIF's bytes (which start with a GIF signature). */
    static Size of(byte[] gif) {
        if (gif.length < FIRST_BLOCK) {
            return new Size(0, 0);
        }
        int width = unsigned16(gif, LOGICAL_SCREEN);
        int height = unsigned16(gif, LOGICAL_SCREEN + 2);
        int at = skipColourTable(gif, FIRST_BLOCK, gif[LOGICAL_SCREEN + 4]);
        while (at < gif.length) {
            int block = gif[at] & 0xFF;
            if (block == EXTENSION) {
                at = skipSubBlocks(gif, at + 2);
            } else if (block == IMAGE_DESCRIPTOR && at + 10 <= gif.length) {
                width = Math.max(width, unsigned16(gif, at + 1) + unsigned16(gif, at + 5));
                height = Math.max(height, unsigned16(gif, at + 3) + unsigned16(gif, at + 7));
                // Descriptor, local colour table, LZW minimum code size, then the image data's sub-blocks.
                at = skipSubBlocks(gif, skipColourTable(gif, at + 10, gif[at + 9]) + 1);
            } else {
                break; // the trailer, or something no GIF holds
            }
        }
        return new Size(width, height);
    }

    private static int skipColourTable(byte[] gif, int at, byte flags) {
        return (flags & COLOUR_TABLE_FLAG) == 0 ? at : at + 3 * (2 << (flags & 0x07));
    }

    /** The position after a chain of data sub-blocks (each a length byte and as many bytes; 0 ends the chain). */
    private static int skipSubBlocks(byte[] gif, int at) {
        while (at < gif.length) {
            int length = gif[at] & 0xFF;
            at += 1 + length;
            if (length == 0) {
                break;
            }
        }
        return at;
    }

    private static int unsigned16(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8;
    }
}
