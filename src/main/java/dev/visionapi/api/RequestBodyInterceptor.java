package dev.visionapi.api;

import java.time.Duration;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Takes the rest of a request's body as Netty decodes it, on an HTTP/1.x connection, before Vert.x copies every chunk
 * out of Netty's pooled buffers onto the heap: a refused body is dropped, an admitted upload is handed to its
 * multipart parser straight from those buffers. Either copy was a cost worth sparing (bench/RESULTS.md): refusing
 * re-sent uploads was a fifth of the event loops' work, and the heap copy of an admitted upload was 240 KB of the
 * 620 KB each analysis allocated. Sits in the connection's pipeline just before Vert.x's handler, which then sees the
 * request end with an empty last chunk. Installed on a connection at its first analysis; a request whose head it did
 * not see is left to Vert.x. The channel is reached through Vert.x's internal {@link ConnectionBase} (there is no
 * public way); should a later Vert.x serve another connection class, nothing is installed and every body goes through
 * Vert.x as before. It also remembers when the connection's last request was refused, and can pause reading the
 * connection, so that a client retrying too early can be made to wait ({@code analysis.early-retry-delay}).
 */
final class RequestBodyInterceptor extends ChannelInboundHandlerAdapter {

    private static final String NAME = "request-body-interceptor";
    private static final Consumer<ByteBuf> DROP = content -> {
    };

    /** The headers of the last request decoded on the connection: Vert.x serves the same object to the routes. */
    private HttpHeaders current;
    private boolean currentEnded = true;
    /** Whether Vert.x has been handed any of the current request's body. */
    private boolean handedOn;
    private Consumer<ByteBuf> taker;
    private ChannelHandlerContext context;
    /** When the last request on the connection was refused ({@link System#nanoTime()}), if one was. */
    private long lastRefusalNanos;
    private boolean refused;

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.context = context;
    }

    /**
     * The interceptor of the request's connection, installed if it has none yet; null over HTTP/2 or on a connection
     * that is not Vert.x's {@link ConnectionBase}. One installed now is past the request's head, so only the later
     * requests on the connection can have their bodies taken.
     */
    static RequestBodyInterceptor installOn(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2 || !(request.connection() instanceof ConnectionBase connection)) {
            return null;
        }
        ChannelPipeline pipeline = connection.channel().pipeline();
        RequestBodyInterceptor interceptor = (RequestBodyInterceptor) pipeline.get(NAME);
        if (interceptor == null) {
            interceptor = new RequestBodyInterceptor();
            pipeline.addBefore(connection.channelHandlerContext().name(), NAME, interceptor);
        }
        return interceptor;
    }

    /**
     * Drops the rest of the body of the request with these headers (compared by identity: Vert.x's request serves
     * Netty's headers object) if it is the one being decoded and its end has not come yet; false when it is not, and
     * Vert.x drains the body as usual. What Vert.x was handed before is drained by Vert.x.
     */
    boolean dropRestOf(Object headers) {
        if (headers != current || currentEnded) {
            return false;
        }
        taker = DROP;
        return true;
    }

    /**
     * Hands the body of the request with these headers to {@code taker}, chunk by chunk, on the connection's event
     * loop; each chunk is released once {@code taker} returns. False, taking nothing, unless it is the request being
     * decoded and Vert.x has been handed none of its body (the request's routing was deferred, as for a pipelined
     * request): then the whole body goes through Vert.x.
     */
    boolean takeBodyOf(Object headers, Consumer<ByteBuf> taker) {
        if (headers != current || currentEnded || handedOn) {
            return false;
        }
        this.taker = taker;
        return true;
    }

    /**
     * Records a refusal on this connection, and tells whether it came within {@code window} of the one before: a
     * client that sent again sooner than it was asked to.
     */
    boolean refusedAgainWithin(Duration window) {
        long now = System.nanoTime();
        boolean again = refused && now - lastRefusalNanos < window.toNanos();
        refused = true;
        lastRefusalNanos = now;
        return again;
    }

    /** Stops reading the connection until {@link #resumeReading()}: its bytes wait in the sockets, costing nothing. */
    void pauseReading() {
        context.channel().config().setAutoRead(false);
    }

    void resumeReading() {
        context.channel().config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (message instanceof HttpRequest request) {
            current = request.headers();
            currentEnded = false;
            handedOn = false;
            taker = null;
        }
        if (message instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            currentEnded |= last;
            if (taker != null && content.decoderResult().isSuccess()) {
                try {
                    taker.accept(content.content());
                } finally {
                    content.release();
                }
                if (last) {
                    taker = null;
                    context.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
                }
                return;
            }
            handedOn = true;
        }
        context.fireChannelRead(message);
    }
}
