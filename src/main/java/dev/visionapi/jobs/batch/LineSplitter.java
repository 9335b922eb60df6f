package dev.visionapi.jobs.batch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits a byte stream into lines; a line longer than the limit is dropped (its record then counts as missing). */
final class LineSplitter {
    private final int maxLineBytes;
    private byte[] line = new byte[8192];
    private int length;
    private boolean overflowed;

    LineSplitter(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    List<byte[]> accept(ByteBuffer chunk) {
        List<byte[]> complete = new ArrayList<>();
        while (chunk.hasRemaining()) {
            byte b = chunk.get();
            if (b == '\n') {
                end(complete);
            } else if (!overflowed) {
                if (length == maxLineBytes) {
                    overflowed = true;
                    line = new byte[8192];
                    length = 0;
                } else {
                    if (length == line.length) {
                        line = Arrays.copyOf(line, (int) Math.min((long) line.length * 2, maxLineBytes));
                    }
                    line[length++] = b;
                }
            }
        }
        return complete;
    }

    /** The last line, when the stream did not end with a newline. */
    List<byte[]> rest() {
        List<byte[]> complete = new ArrayList<>();
        end(complete);
        return complete;
    }

    private void end(List<byte[]> complete) {
        if (!overflowed && length > 0) {
            complete.add(Arrays.copyOf(line, length));
        }
        overflowed = false;
        length = 0;
    }
}
