package dev.visionapi.image;

import java.io.IOException;
import java.util.Objects;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@link javax.imageio.stream.ImageInputStream} over an image's bytes that lets go of them when it is closed.
 *
 * <p>Why not TwelveMonkeys' {@code ByteArrayImageInputStream}: every {@link ImageInputStreamImpl} has a finalizer (JDK
 * 17), so the JVM keeps a dropped stream, and all it refers to, alive through the next garbage collection, until the
 * finalizer thread has run. A stream that held its image kept every image checked since the last young collection
 * alive through the next one: under load, dead images were copied into the survivor spaces at each young collection,
 * overflowing them into the old generation, which then needed full collections. Closed, this stream refers to
 * nothing large while it waits for its finalizer.
 */
final class ImageBytesInputStream extends ImageInputStreamImpl {

    private byte[] data;

    ImageBytesInputStream(byte[] data) {
        this.data = Objects.requireNonNull(data);
    }

    @Override
    public int read() throws IOException {
        checkClosed();
        bitOffset = 0;
        return streamPos < data.length ? data[(int) streamPos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        checkClosed();
        Objects.checkFromIndexSize(offset, length, buffer.length);
        bitOffset = 0;
        if (length == 0) {
            return 0;
        }
        if (streamPos >= data.length) {
            return -1;
        }
        int count = (int) Math.min(length, data.length - streamPos);
        System.arraycopy(data, (int) streamPos, buffer, offset, count);
        streamPos += count;
        return count;
    }

    /** The image's length; -1 (unknown) once closed. */
    @Override
    public long length() {
        return data == null ? -1 : data.length;
    }

    @Override
    public boolean isCached() {
        return true;
    }

    @Override
    public boolean isCachedMemory() {
        return true;
    }

    @Override
    public void close() throws IOException {
        super.close();
        data = null;
    }
}
