package dev.visionapi.bedrock;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream;

import org.reactivestreams.Subscriber;

import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * A request body held in one buffer, off the Java heap: the SDK sends views of it (never a copy, and Netty writes a
 * direct buffer to the socket as it is), and {@link InPlaceSigV4Signer} hashes it where it lies.
 * <p>
 * Why off the heap: a body lives as long as Bedrock takes to answer, so on the heap every young collection copied the
 * bodies of all calls in flight (100 MB at 256 calls of a 240 KB image), moved them to the old generation, and
 * brought on a full collection every second or two. Off the heap the collector only sees a small buffer object.
 * <p>
 * The buffer goes back to {@link BodyBuffers} by {@link #release()} once the call has succeeded
 * ({@link ImageBodyWriter#afterExecution}). A failed or cancelled call may still have the body in a socket's write
 * queue (or, over TLS, about to be encrypted), so its buffer is left to its cleaner, which frees it when the garbage
 * collector finds it unreachable; the JVM collects early when direct memory runs short
 * ({@code -XX:MaxDirectMemorySize}, by default the heap's maximum).
 */
final class InMemoryBody implements AsyncRequestBody {

    private final ByteBuffer content;
    private final BodyBuffers origin;
    private final AsyncRequestBody views;
    private final AtomicBoolean released = new AtomicBoolean();

    /**
     * A body of the bytes {@code content} has from its position to its limit. {@code content} is a buffer from
     * {@code origin}, which gets it back on {@link #release()}.
     */
    InMemoryBody(ByteBuffer content, BodyBuffers origin) {
        this.content = content;
        this.origin = origin;
        this.views = AsyncRequestBody.fromByteBuffersUnsafe(content);
    }

    /** The same bytes as a stream, for hashing. */
    ContentStreamProvider contentStreamProvider() {
        return () -> new ByteBufferBackedInputStream(content.duplicate());
    }

    /** Gives the buffer back for another body; only once nothing can read this one any more. Later calls do nothing. */
    void release() {
        if (released.compareAndSet(false, true)) {
            origin.give(content);
        }
    }

    boolean released() {
        return released.get();
    }

    @Override
    public Optional<Long> contentLength() {
        return Optional.of((long) content.remaining());
    }

    @Override
    public String contentType() {
        return views.contentType();
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
        views.subscribe(subscriber);
    }
}
