package dev.visionapi.bedrock;

import java.nio.ByteBuffer;
import java.util.Optional;

import org.reactivestreams.Subscriber;

import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * A request body held in one array: the SDK sends it as it is (each send a view of the array, never a copy), and
 * {@link InPlaceSigV4Signer} hashes it where it lies.
 */
final class InMemoryBody implements AsyncRequestBody {

    private final byte[] bytes;
    private final AsyncRequestBody views;

    InMemoryBody(byte[] bytes) {
        this.bytes = bytes;
        this.views = AsyncRequestBody.fromBytesUnsafe(bytes);
    }

    /** The same bytes as a stream, for hashing. */
    ContentStreamProvider contentStreamProvider() {
        return ContentStreamProvider.fromByteArrayUnsafe(bytes);
    }

    @Override
    public Optional<Long> contentLength() {
        return Optional.of((long) bytes.length);
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
