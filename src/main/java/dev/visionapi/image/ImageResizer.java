package dev.visionapi.image;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Scaling arithmetic and good-quality downscaling. Halving repeatedly with bilinear interpolation, then one last
 * bilinear step, looks like an area-averaging filter at a fraction of its cost; a single bilinear step from far
 * above the target would skip pixels and alias.
 */
final class ImageResizer {

    /** A decode skips pixels only while at least this much more than the target remains for proper downscaling. */
    private static final double SUBSAMPLING_HEADROOM = 1.25;

    record Size(int width, int height) {

        int longEdge() {
            return Math.max(width, height);
        }
    }

    private ImageResizer() {
    }

    /** The largest size with the same aspect ratio whose long edge is at most {@code maxLongEdge}. */
    static Size fit(int width, int height, int maxLongEdge) {
        int longEdge = Math.max(width, height);
        if (longEdge <= maxLongEdge) {
            return new Size(width, height);
        }
        double scale = (double) maxLongEdge / longEdge;
        return new Size(Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale)));
    }

    /**
     * The source subsampling step for decoding: every n-th pixel of every n-th row, so that a 24 MP photo headed for
     * 1568 px is never held at full size, yet the decoded image stays comfortably above the target.
     */
    static int subsampling(int longEdge, int targetLongEdge) {
        return Math.max(1, (int) (longEdge / (targetLongEdge * SUBSAMPLING_HEADROOM)));
    }

    /** The image at exactly {@code width} × {@code height}, in an RGB or ARGB raster. */
    static BufferedImage resize(BufferedImage source, int width, int height) {
        int type = source.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage current = source;
        int w = source.getWidth();
        int h = source.getHeight();
        do {
            w = Math.max(width, w / 2);
            h = Math.max(height, h / 2);
            current = draw(current, w, h, type);
        } while (w != width || h != height);
        return current;
    }

    /** The same pixels in an RGB or ARGB raster, which the encoders and the transforms handle alike. */
    static BufferedImage standardise(BufferedImage source) {
        return convert(source, source.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    }

    /** The same pixels without an alpha channel. */
    static BufferedImage opaque(BufferedImage source) {
        return convert(source, BufferedImage.TYPE_INT_RGB);
    }

    private static BufferedImage convert(BufferedImage source, int type) {
        return source.getType() == type ? source : draw(source, source.getWidth(), source.getHeight(), type);
    }

    private static BufferedImage draw(BufferedImage source, int width, int height, int type) {
        BufferedImage target = new BufferedImage(width, height, type);
        Graphics2D graphics = target.createGraphics();
        try {
            graphics.setComposite(AlphaComposite.Src);
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            graphics.drawImage(source, 0, 0, width, height, null);
        } finally {
            graphics.dispose();
        }
        return target;
    }
}
