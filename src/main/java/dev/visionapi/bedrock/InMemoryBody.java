package dev.visionapi.bedrock;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.reactivestreams.Subscriber;

import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * A request body held in memory as a few arrays, one after the other: the SDK sends them as they are (each send a
 * view of them, never a copy), and {@link InPlaceSigV4Signer} hashes them where they lie.
 */
final class InMemoryBody implements AsyncRequestBody {

    private final List<byte[]> segments;
    private final long length;
    private final AsyncRequestBody views;

    InMemoryBody(List<byte[]> segments) {
        this.segments = List.copyOf(segments);
        this.length = this.segments.stream().mapToLong(segment -> segment.length).sum();
        this.views = AsyncRequestBody.fromByteBuffersUnsafe(
                this.segments.stream().map(ByteBuffer::wrap).toArray(ByteBuffer[]::new));
    }

    /** The same bytes as a stream, for hashing. */
    ContentStreamProvider contentStreamProvider() {
        return this::newStream;
    }

    private InputStream newStream() {
        return new SequenceInputStream(Collections.enumeration(
                segments.stream().map(ByteArrayInputStream::new).toList()));
    }

    @Override
    public Optional<Long> contentLength() {
        return Optional.of(length);
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
