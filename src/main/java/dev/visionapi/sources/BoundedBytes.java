package dev.visionapi.sources;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Collects an object's body into one array of the length its HeadObject (or an earlier ranged GET) announced, and
 * aborts the download (the subscription is cancelled, the connection dropped) as soon as more bytes arrive than that.
 * The array may begin with bytes read before, by a ranged GET of the object's first bytes: the body is then the rest.
 */
final class BoundedBytes implements AsyncResponseTransformer<GetObjectResponse, byte[]> {

    private final byte[] start;
    private final int length;
    private volatile CompletableFuture<byte[]> result;

    BoundedBytes(int length) {
        this(new byte[0], length);
    }

    /** The object of {@code length} bytes whose first ones, {@code start}, are read already. */
    BoundedBytes(byte[] start, int length) {
        this.start = start;
        this.length = length;
    }

    @Override
    public CompletableFuture<byte[]> prepare() {
        result = new CompletableFuture<>(); // once per attempt: a retried call starts again
        return result;
    }

    @Override
    public void onResponse(GetObjectResponse response) {
        Long announced = response.contentLength();
        if (announced != null && announced != length - start.length) {
            result.completeExceptionally(new LengthMismatch());
        }
    }

    @Override
    public void onStream(SdkPublisher<ByteBuffer> publisher) {
        publisher.subscribe(new Collector(result));
    }

    @Override
    public void exceptionOccurred(Throwable error) {
        result.completeExceptionally(error);
    }

    /** The body did not have the length HeadObject announced: the object changed, or the store misbehaves. */
    static final class LengthMismatch extends RuntimeException {

        LengthMismatch() {
            super("The object's length differs from what HeadObject announced", null, false, false);
        }
    }

    private final class Collector implements Subscriber<ByteBuffer> {

        private final CompletableFuture<byte[]> target;
        // A copy per attempt: a retried call starts again after the bytes read before.
        private final byte[] bytes = Arrays.copyOf(start, length);
        private int received = start.length;
        private Subscription subscription;

        Collector(CompletableFuture<byte[]> target) {
            this.target = target;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            this.subscription = subscription;
            if (target.isDone()) {
                subscription.cancel();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            if (target.isDone()) {
                return;
            }
            if (buffer.remaining() > length - received) {
                subscription.cancel(); // more than announced: not read to the end
                target.completeExceptionally(new LengthMismatch());
                return;
            }
            int count = buffer.remaining();
            buffer.get(bytes, received, count);
            received += count;
            subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
            target.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            if (received == length) {
                target.complete(bytes);
            } else {
                target.completeExceptionally(new LengthMismatch());
            }
        }
    }
}
