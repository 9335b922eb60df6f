package dev.visionapi.bedrock;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * Off-heap buffers for Bedrock request bodies ({@link InMemoryBody}), kept for the next body when a call is done with
 * one instead of freed and allocated again.
 * <p>
 * Why: a body is a few hundred kilobytes and an analysis makes one, hundreds a second. Freed and allocated each time,
 * they went through glibc's malloc, which kept freed bodies in its per-thread arenas (about 115 MB more RSS at 256
 * connections) or, told to map each block on its own, paid system calls and page faults for every body, and the JVM
 * zeroed each new buffer. A buffer kept here is reused as it is (bench/RESULTS.md).
 * <p>
 * Buffers come in multiples of {@link #GRAIN}; at most {@code maxIdleBytes} of them are kept while unused, and the
 * rest are freed at once. A buffer that is never given back (the body of a failed call) is freed by its cleaner when
 * the garbage collector finds it unreachable.
 */
final class BodyBuffers {

    static final int GRAIN = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(BodyBuffers.class);
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private final long maxIdleBytes;
    private final ConcurrentHashMap<Integer, Deque<ByteBuffer>> idleByCapacity = new ConcurrentHashMap<>();
    private final AtomicLong idleBytes = new AtomicLong();

    BodyBuffers(long maxIdleBytes) {
        this.maxIdleBytes = maxIdleBytes;
    }

    /** A direct buffer with room for {@code length} bytes, at position 0 and with its limit at {@code length}. */
    ByteBuffer take(int length) {
        int capacity = Math.toIntExact((length + GRAIN - 1L) / GRAIN * GRAIN);
        Deque<ByteBuffer> idle = idleByCapacity.get(capacity);
        ByteBuffer buffer = idle == null ? null : idle.pollFirst();
        if (buffer == null) {
            return ByteBuffer.allocateDirect(capacity).limit(length);
        }
        idleBytes.addAndGet(-capacity);
        return buffer.clear().limit(length);
    }

    /** Takes back a buffer from {@link #take} that nothing reads any more: kept for another body, or freed now. */
    void give(ByteBuffer buffer) {
        int capacity = buffer.capacity();
        if (idleBytes.addAndGet(capacity) <= maxIdleBytes) {
            // Last in, first out: the next body gets the buffer whose pages are most likely still in the caches.
            idleByCapacity.computeIfAbsent(capacity, key -> new ConcurrentLinkedDeque<>()).offerFirst(buffer);
            return;
        }
        idleBytes.addAndGet(-capacity);
        if (UNSAFE != null) {
            UNSAFE.invokeCleaner(buffer);
        }
    }

    long idleBytes() {
        return idleBytes.get();
    }

    /** jdk.unsupported's Unsafe, the only way before Java 22 to free a direct buffer at once; null if it is absent. */
    private static sun.misc.Unsafe unsafe() {
        try {
            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (sun.misc.Unsafe) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.infof("Request body buffers beyond those kept are freed by the garbage collector: %s", e.toString());
            return null;
        }
    }
}
