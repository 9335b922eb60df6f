package dev.visionapi.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** A body longer or shorter than HeadObject announced is refused, and a longer one is not read to its end. */
class BoundedBytesTest {

    @Test
    void collectsABodyOfTheAnnouncedLength() throws Exception {
        BoundedBytes bytes = new BoundedBytes(5);
        CompletableFuture<byte[]> result = bytes.prepare();
        bytes.onResponse(GetObjectResponse.builder().contentLength(5L).build());
        bytes.onStream(new Chunks(new byte[] {1, 2}, new byte[] {3, 4, 5}));

        assertThat(result.get(1, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void cancelsABodyLongerThanAnnounced() {
        BoundedBytes bytes = new BoundedBytes(3);
        CompletableFuture<byte[]> result = bytes.prepare();
        Chunks endless = new Chunks(new byte[] {1, 2}, new byte[] {3, 4}, new byte[] {5, 6}, new byte[] {7, 8});
        bytes.onStream(endless);

        assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(BoundedBytes.LengthMismatch.class);
        assertThat(endless.cancelled).isTrue();
        assertThat(endless.delivered.get()).isEqualTo(2); // the chunk past the length was the last one taken
    }

    @Test
    void refusesABodyShorterThanAnnounced() {
        BoundedBytes bytes = new BoundedBytes(4);
        CompletableFuture<byte[]> result = bytes.prepare();
        bytes.onStream(new Chunks(new byte[] {1, 2}));

        assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS)).hasCauseInstanceOf(BoundedBytes.LengthMismatch.class);
    }

    @Test
    void refusesAResponseAnnouncingAnotherLength() {
        BoundedBytes bytes = new BoundedBytes(4);
        CompletableFuture<byte[]> result = bytes.prepare();
        bytes.onResponse(GetObjectResponse.builder().contentLength(9L).build());

        assertThat(result).isCompletedExceptionally();
    }

    @Test
    void continuesAfterTheBytesReadBefore() throws Exception {
        BoundedBytes bytes = new BoundedBytes(new byte[] {1, 2}, 5);
        CompletableFuture<byte[]> result = bytes.prepare();
        bytes.onResponse(GetObjectResponse.builder().contentLength(3L).build());
        bytes.onStream(new Chunks(new byte[] {3}, new byte[] {4, 5}));

        assertThat(result.get(1, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void refusesARestLongerThanTheObjectLeft() {
        BoundedBytes bytes = new BoundedBytes(new byte[] {1, 2}, 5);
        CompletableFuture<byte[]> result = bytes.prepare();
        bytes.onResponse(GetObjectResponse.builder().contentLength(5L).build());

        assertThat(result).isCompletedExceptionally();
    }

    /** Delivers the given chunks on demand, synchronously, and records a cancellation. */
    static final class Chunks implements SdkPublisher<ByteBuffer> {

        private final byte[][] chunks;
        final AtomicLong delivered = new AtomicLong();
        volatile boolean cancelled;

        Chunks(byte[]... chunks) {
            this.chunks = chunks;
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
            AtomicBoolean done = new AtomicBoolean();
            subscriber.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    for (long i = 0; i < n && !done.get(); i++) {
                        int next = (int) delivered.getAndIncrement();
                        if (next < chunks.length) {
                            subscriber.onNext(ByteBuffer.wrap(chunks[next]));
                        } else if (done.compareAndSet(false, true)) {
                            subscriber.onComplete();
                        }
                    }
                }

                @Override
                public void cancel() {
                    cancelled = true;
                    done.set(true);
                }
            });
        }
    }
}
