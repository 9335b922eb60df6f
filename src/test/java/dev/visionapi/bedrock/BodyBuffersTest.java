package dev.visionapi.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** Body buffers: off the heap, sized in grains, reused when given back, and kept only up to the idle limit. */
class BodyBuffersTest {

    @Test
    void aBufferIsDirectWithRoomForTheBodyAndLimitedToIt() {
        ByteBuffer buffer = new BodyBuffers(0).take(BodyBuffers.GRAIN + 1);

        assertThat(buffer.isDirect()).isTrue();
        assertThat(buffer.capacity()).isEqualTo(2 * BodyBuffers.GRAIN);
        assertThat(buffer.position()).isZero();
        assertThat(buffer.limit()).isEqualTo(BodyBuffers.GRAIN + 1);
    }

    @Test
    void aBufferGivenBackServesTheNextBodyOfItsSize() {
        BodyBuffers buffers = new BodyBuffers(BodyBuffers.GRAIN);
        ByteBuffer first = buffers.take(1000);
        first.put((byte) 1);
        buffers.give(first);

        ByteBuffer second = buffers.take(BodyBuffers.GRAIN);

        assertThat(second).isSameAs(first);
        assertThat(second.position()).isZero();
        assertThat(second.limit()).isEqualTo(BodyBuffers.GRAIN);
        assertThat(buffers.idleBytes()).isZero();
    }

    @Test
    void buffersBeyondTheIdleLimitAreNotKept() {
        BodyBuffers buffers = new BodyBuffers(BodyBuffers.GRAIN);
        ByteBuffer first = buffers.take(10);
        ByteBuffer second = buffers.take(10);
        buffers.give(first);

        buffers.give(second); // freed: one grain is kept already

        assertThat(buffers.idleBytes()).isEqualTo(BodyBuffers.GRAIN);
        assertThat(buffers.take(10)).isSameAs(first);
        assertThat(buffers.take(10)).isNotSameAs(second);
    }
}
