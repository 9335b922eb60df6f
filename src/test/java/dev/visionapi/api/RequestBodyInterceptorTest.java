package dev.visionapi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

class RequestBodyInterceptorTest {

    private final RequestBodyInterceptor interceptor = new RequestBodyInterceptor();
    private final EmbeddedChannel channel = new EmbeddedChannel(interceptor);

    @Test
    void theRestOfARefusedBodyIsReleasedAndItsRequestEndsEmpty() {
        HttpRequest refused = request();
        channel.writeInbound(refused);
        HttpContent before = content("before the refusal");
        channel.writeInbound(before);

        assertThat(interceptor.dropRestOf(refused.headers())).isTrue();
        ByteBuf middle = Unpooled.copiedBuffer("dropped", StandardCharsets.US_ASCII);
        ByteBuf end = Unpooled.copiedBuffer("dropped too", StandardCharsets.US_ASCII);
        channel.writeInbound(new DefaultHttpContent(middle), new DefaultLastHttpContent(end));

        assertThat((Object) channel.readInbound()).isSameAs(refused);
        assertThat((Object) channel.readInbound()).isSameAs(before);
        assertThat((Object) channel.readInbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(middle.refCnt()).isZero();
        assertThat(end.refCnt()).isZero();
        before.release();
    }

    @Test
    void aRefusalIsAnEarlyRetryOnlyWithinTheWindowOfTheOneBefore() {
        assertThat(interceptor.refusedAgainWithin(Duration.ofMinutes(1))).as("the connection's first").isFalse();
        assertThat(interceptor.refusedAgainWithin(Duration.ofMinutes(1))).as("one more at once").isTrue();
        assertThat(interceptor.refusedAgainWithin(Duration.ZERO)).as("one more, after the window").isFalse();
    }

    @Test
    void readingPausesAndResumes() {
        interceptor.pauseReading();
        assertThat(channel.config().isAutoRead()).isFalse();

        interceptor.resumeReading();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void theNextRequestOnTheConnectionPassesWhole() {
        HttpRequest refused = request();
        channel.writeInbound(refused);
        interceptor.dropRestOf(refused.headers());
        channel.writeInbound(content("dropped"), new DefaultLastHttpContent());
        channel.inboundMessages().clear();

        HttpRequest next = request();
        HttpContent body = content("kept");
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.copiedBuffer("kept too", StandardCharsets.US_ASCII));
        channel.writeInbound(next, body, end);

        assertThat(channel.inboundMessages()).containsExactly(next, body, end);
        assertThat(body.refCnt()).isOne();
        channel.finishAndReleaseAll();
    }

    @Test
    void aRequestWhoseBodyHasEndedOrWhoseHeadWasNotSeenIsLeftToVertx() {
        HttpRequest ended = request();
        channel.writeInbound(ended, new DefaultLastHttpContent());

        assertThat(interceptor.dropRestOf(ended.headers())).isFalse();
        assertThat(interceptor.dropRestOf(request().headers())).isFalse();

        assertTheNextRequestReachesVertxWhole();
    }

    @Test
    void aTakenBodyGoesToItsTakerInOrderAndVertxSeesOnlyItsEnd() {
        HttpRequest admitted = request();
        channel.writeInbound(admitted);
        StringBuilder taken = new StringBuilder();

        assertThat(interceptor.takeBodyOf(admitted.headers(),
                chunk -> taken.append(chunk.toString(StandardCharsets.US_ASCII)))).isTrue();
        HttpContent first = content("first, ");
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.copiedBuffer("last", StandardCharsets.US_ASCII));
        channel.writeInbound(first, end);

        assertThat(taken).hasToString("first, last");
        assertThat(channel.inboundMessages()).containsExactly(admitted, LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(first.refCnt()).isZero();
        assertThat(end.refCnt()).isZero();

        assertTheNextRequestReachesVertxWhole();
        assertThat(taken).hasToString("first, last");
    }

    @Test
    void aBodyOfWhichVertxHasBeenHandedSomeIsLeftToVertx() {
        HttpRequest deferred = request();
        HttpContent before = content("handed on");
        channel.writeInbound(deferred, before);

        assertThat(interceptor.takeBodyOf(deferred.headers(), chunk -> {
        })).isFalse();
        HttpContent after = content("handed on too");
        channel.writeInbound(after);

        assertThat(channel.inboundMessages()).containsExactly(deferred, before, after);
        assertThat(after.refCnt()).isOne();
        channel.finishAndReleaseAll();
    }

    @Test
    void aChunkIsReleasedEvenWhenItsTakerFails() {
        HttpRequest admitted = request();
        channel.writeInbound(admitted);
        interceptor.takeBodyOf(admitted.headers(), chunk -> {
            throw new IllegalStateException("the taker failed");
        });
        HttpContent chunk = content("taken");

        assertThatThrownBy(() -> channel.writeInbound(chunk)).hasMessage("the taker failed");
        assertThat(chunk.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }

    private void assertTheNextRequestReachesVertxWhole() {
        HttpRequest next = request();
        HttpContent body = content("kept");
        channel.writeInbound(next, body);
        assertThat(channel.inboundMessages()).endsWith(next, body);
        channel.finishAndReleaseAll();
    }

    private static HttpRequest request() {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/analyses");
    }

    private static HttpContent content(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }
}
