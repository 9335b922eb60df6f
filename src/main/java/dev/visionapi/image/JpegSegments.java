package dev.visionapi.image;

/**
 * Walks a JPEG's marker segments from its start. Used on the first bytes of an image that is not read whole: its
 * frame header and its EXIF orientation are known from those bytes only if every segment before the first scan is in
 * them (EXIF, ICC profiles and XMP can together be longer than the bytes read).
 */
final class JpegSegments {

    private static final int SOS = 0xDA;
    private static final int EOI = 0xD9;

    private JpegSegments() {
    }

    /** Whether the first scan (SOS) begins within {@code bytes}, so that every segment before it is complete there. */
    static boolean scanBeginsWithin(byte[] bytes) {
        int i = 2; // after SOI
        while (i + 3 < bytes.length) {
            if ((bytes[i] & 0xFF) != 0xFF) {
                return false; // not a marker where one must be: a structure not understood
            }
            int marker = bytes[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // a fill byte before the marker
                continue;
            }
            if (marker == SOS) {
                return true;
            }
            if (marker == EOI) {
                return false;
            }
            if (marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                i += 2; // RSTn and TEM stand alone
                continue;
            }
            int length = (bytes[i + 2] & 0xFF) << 8 | (bytes[i + 3] & 0xFF);
            if (length < 2) {
                return false;
            }
            i += 2 + length;
        }
        return false;
    }
}
