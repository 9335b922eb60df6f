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
 * Collects at most the first {@code limit} bytes of a ranged GetObject, with the object's whole length from the
 * response's Content-Range and the ETag of the version read. A store that ignores the range and sends the whole
 * object (200, its length in Content-Length) is cut off after {@code limit} bytes.
 */
final class LeadingBytes implements AsyncResponseTransformer<GetObjectResponse, LeadingBytes.Head> {

    /** The first bytes of an object, its whole length, and the ETag of that version (null if the store sent none). */
    record Head(byte[] bytes, long length, String eTag) {
    }

    /** The response told neither the object's length in Content-Range nor, for a whole object, in Content-Length. */
    static final class LengthUnknown extends RuntimeException {

        LengthUnknown() {
            super("The response does not tell the object's length", null, false, false);
        }
    }

    private final int limit;
    private volatile CompletableFuture<Head> result;
    private volatile GetObjectResponse response;

    LeadingBytes(int limit) {
        this.limit = limit;
    }

    @Override
    public CompletableFuture<Head> prepare() {
        result = new CompletableFuture<>(); // once per attempt: a retried call starts again
        return result;
    }

    @Override
    public void onResponse(GetObjectResponse response) {
        this.response = response;
    }

    @Override
    public void onStream(SdkPublisher<ByteBuffer> publisher) {
        publisher.subscribe(new Collector(result, response));
    }

    @Override
    public void exceptionOccurred(Throwable error) {
        result.completeExceptionally(error);
    }

    /** The length after the slash of {@code bytes 0-65535/240000}; else the body's length when no range was served. */
    static long objectLength(GetObjectResponse response) {
        String range = response.contentRange();
        if (range != null) {
            int slash = range.lastIndexOf('/');
            try {
                return Long.parseLong(range.substring(slash + 1).trim());
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                throw new LengthUnknown(); // "*": a store that does not know it
            }
        }
        if (response.contentLength() == null) {
            throw new LengthUnknown();
        }
        return response.contentLength();
    }

    private final class Collector implements Subscriber<ByteBuffer> {

        private final CompletableFuture<Head> target;
        private final GetObjectResponse response;
        private final byte[] bytes = new byte[limit];
        private int received;
        private Subscription subscription;

        Collector(CompletableFuture<Head> target, GetObjectResponse response) {
            this.target = target;
            this.response = response;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            if (target.isDone()) {
                return;
            }
            int count = Math.min(buffer.remaining(), limit - received);
            buffer.get(bytes, received, count);
            received += count;
            if (buffer.hasRemaining()) {
                subscription.cancel(); // a whole object sent despite the range: not read to its end
                complete();
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
            target.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            complete();
        }

        private void complete() {
            try {
                target.complete(new Head(Arrays.copyOf(bytes, received), objectLength(response), response.eTag()));
            } catch (LengthUnknown e) {
                target.completeExceptionally(e);
            }
        }
    }
}
