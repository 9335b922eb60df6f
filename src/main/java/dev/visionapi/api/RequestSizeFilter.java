package dev.visionapi.api;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.visionapi.problem.ProblemType;

/**
 * The limits on a request's target and headers, answered with problems: 414 past {@value #MAX_TARGET} characters of
 * request target, 431 past {@value #MAX_HEADER_BYTES} bytes of headers (the HTTP codec's defaults). The codec itself
 * takes up to 64 KiB of each (application.properties), so that these requests reach a route; past that it still
 * answers alone, with an empty body.
 */
@ApplicationScoped
public class RequestSizeFilter {

    static final int MAX_TARGET = 4096;
    static final int MAX_HEADER_BYTES = 20 * 1024;

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.uri().length() > MAX_TARGET) {
            refuse(context, ProblemType.URI_TOO_LONG, "The request target has %d characters; at most %d are read."
                    .formatted(request.uri().length(), MAX_TARGET));
            return;
        }
        int headerBytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            // As the codec counts them: name, ": ", value and CRLF.
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            refuse(context, ProblemType.HEADERS_TOO_LARGE, "The request's headers take %d bytes; at most 20 KiB are "
                    .formatted(headerBytes) + "read.");
            return;
        }
        context.next();
    }

    private static void refuse(RoutingContext context, ProblemType type, String detail) {
        // Nothing more is read from this connection: its next request could be as large.
        context.response().putHeader("Connection", "close");
        ProblemWriter.write(context, type, detail, Map.of());
    }
}
