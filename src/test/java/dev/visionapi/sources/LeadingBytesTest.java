package dev.visionapi.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.visionapi.sources.BoundedBytesTest.Chunks;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** The first bytes of an object and its whole length, from a ranged GET or from a store that ignored the range. */
class LeadingBytesTest {

    @Test
    void aRangedResponseGivesTheFirstBytesAndTheLengthAfterTheSlash() throws Exception {
        LeadingBytes first = new LeadingBytes(4);
        CompletableFuture<LeadingBytes.Head> result = first.prepare();
        first.onResponse(GetObjectResponse.builder().contentRange("bytes 0-3/10").contentLength(4L).eTag("\"v1\"")
                .build());
        Chunks body = new Chunks(new byte[] {1, 2}, new byte[] {3, 4});
        first.onStream(body);

        LeadingBytes.Head head = result.get(1, TimeUnit.SECONDS);
        assertThat(head.bytes()).containsExactly(1, 2, 3, 4);
        assertThat(head.length()).isEqualTo(10);
        assertThat(head.eTag()).isEqualTo("\"v1\"");
        assertThat(body.cancelled).isFalse();
    }

    @Test
    void anObjectShorterThanTheRangeIsReadWhole() throws Exception {
        LeadingBytes first = new LeadingBytes(4);
        CompletableFuture<LeadingBytes.Head> result = first.prepare();
        first.onResponse(GetObjectResponse.builder().contentRange("bytes 0-2/3").contentLength(3L).build());
        first.onStream(new Chunks(new byte[] {1, 2, 3}));

        assertThat(result.get(1, TimeUnit.SECONDS).bytes()).containsExactly(1, 2, 3);
        assertThat(result.get().length()).isEqualTo(3);
    }

    @Test
    void aWholeObjectSentDespiteTheRangeIsCutOff() throws Exception {
        LeadingBytes first = new LeadingBytes(4);
        CompletableFuture<LeadingBytes.Head> result = first.prepare();
        first.onResponse(GetObjectResponse.builder().contentLength(10L).build());
        Chunks body = new Chunks(new byte[] {1, 2, 3}, new byte[] {4, 5, 6}, new byte[] {7, 8, 9, 10});
        first.onStream(body);

        assertThat(result.get(1, TimeUnit.SECONDS).bytes()).containsExactly(1, 2, 3, 4);
        assertThat(result.get().length()).isEqualTo(10);
        assertThat(body.cancelled).isTrue();
        assertThat(body.delivered.get()).isEqualTo(2);
    }

    @Test
    void aLengthNotToldIsAFailure() {
        LeadingBytes first = new LeadingBytes(4);
        CompletableFuture<LeadingBytes.Head> result = first.prepare();
        first.onResponse(GetObjectResponse.builder().contentRange("bytes 0-3/*").contentLength(4L).build());
        first.onStream(new Chunks(new byte[] {1, 2, 3, 4}));

        assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS))
                .hasCauseInstanceOf(LeadingBytes.LengthUnknown.class);
    }
}
