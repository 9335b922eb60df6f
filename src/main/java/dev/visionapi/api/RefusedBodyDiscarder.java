package dev.visionapi.api;

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
 * Drops the rest of a refused request's body as Netty decodes it, on an HTTP/1.x connection that stays open for the
 * next request. Vert.x would copy every received chunk of it onto the heap before handing it on, only for the chunk
 * to be thrown away: when clients send a refused upload again at once, that copy was a fifth of the event loops' work
 * (bench/RESULTS.md). Sits in the connection's pipeline just before Vert.x's handler, which then sees the request end
 * with an empty last chunk. Installed on a connection at its first analysis; a request whose head it did not see is
 * drained by Vert.x as before. The channel is reached through Vert.x's internal {@link ConnectionBase} (there is no
 * public way); should a later Vert.x serve another connection class, nothing is installed and every refused body is
 * drained as before.
 */
final class RefusedBodyDiscarder extends ChannelInboundHandlerAdapter {

    private static final String NAME = "refused-body-discarder";

    /** The headers of the last request decoded on the connection: Vert.x serves the same object to the routes. */
    private HttpHeaders current;
    private boolean currentEnded = true;
    private boolean discarding;

    /**
     * The discarder of the request's connection, installed if it has none yet; null over HTTP/2 or on a connection
     * that is not Vert.x's {@link ConnectionBase}. A discarder installed now is past the request's head, so only the
     * later requests on the connection can have their bodies dropped.
     */
    static RefusedBodyDiscarder installOn(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2 || !(request.connection() instanceof ConnectionBase connection)) {
            return null;
        }
        ChannelPipeline pipeline = connection.channel().pipeline();
        RefusedBodyDiscarder discarder = (RefusedBodyDiscarder) pipeline.get(NAME);
        if (discarder == null) {
            discarder = new RefusedBodyDiscarder();
            pipeline.addBefore(connection.channelHandlerContext().name(), NAME, discarder);
        }
        return discarder;
    }

    /**
     * Drops the rest of the body of the request with these headers (compared by identity: Vert.x's request serves
     * Netty's headers object) if it is the one being decoded and its end has not come yet; false when it is not, and
     * Vert.x hands the body on as usual.
     */
    boolean dropRestOf(Object headers) {
        if (headers != current || currentEnded) {
            return false;
        }
        discarding = true;
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (message instanceof HttpRequest request) {
            current = request.headers();
            currentEnded = false;
            discarding = false;
        }
        if (message instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            currentEnded |= last;
            if (discarding && content.decoderResult().isSuccess()) {
                content.release();
                if (last) {
                    discarding = false;
                    context.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
                }
                return;
            }
        }
        context.fireChannelRead(message);
    }
}
