package dev.visionapi.image;

import dev.visionapi.image.ImageResizer.Size;

/**
 * An upload whose format and header passed every check, before any pixel is decoded: either ready to be sent as it
 * is, or still to be decoded and re-encoded by {@link ImagePreparer#finish}, which costs far more CPU than the checks.
 */
public final class CheckedImage {

    /** What was received, while it is still to be decoded; null once the image is ready. */
    final ImageUpload upload;
    final ImageFormat format;
    final Size stored;
    final int orientation;
    /** The image as it will be sent when it needs no decoding, else null. */
    final PreparedImage asIs;

    private CheckedImage(ImageUpload upload, ImageFormat format, Size stored, int orientation, PreparedImage asIs) {
        this.upload = upload;
        this.format = format;
        this.stored = stored;
        this.orientation = orientation;
        this.asIs = asIs;
    }

    /** An image sent as it is; what it was received as is no longer needed. */
    static CheckedImage ready(PreparedImage asIs) {
        return new CheckedImage(null, asIs.format(), null, ExifOrientation.UPRIGHT, asIs);
    }

    static CheckedImage toDecode(ImageUpload upload, ImageFormat format, Size stored, int orientation) {
        return new CheckedImage(upload, format, stored, orientation, null);
    }

    public boolean needsDecoding() {
        return asIs == null;
    }
}
