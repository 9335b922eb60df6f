package dev.visionapi.api;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.visionapi.problem.ProblemType;

/**
 * Headers every response carries, and problems for the requests Vert.x' router refuses before any route runs.
 * {@code X-Content-Type-Options: nosniff} on everything, so no answer is read as another type than it says;
 * {@code Cache-Control: no-store} on analyses, whose answers are about a caller's own image. A request without a
 * {@code Host} header, or whose path does not start with a slash, fails in the router itself, which would answer with
 * an HTML page: it gets an {@code invalid-request} problem here instead, as does any other 400 a route fails with.
 * <p>
 * Not covered: a request target that is not a valid URI (a malformed escape) is answered 400, empty, by Quarkus' own
 * request handler before any route, and what the HTTP codec refuses (past 64 KiB of request line or headers, see
 * {@link RequestSizeFilter}) by Vert.x' {@code HttpServer#invalidRequestHandler}; Quarkus 3.33 exposes neither
 * (quarkusio/quarkus#55082).
 */
@ApplicationScoped
public class ResponseHeadersFilter {

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::addHeaders);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::routerRefusal);
    }

    private void addHeaders(RoutingContext context) {
        headersOf(context.request());
        context.next();
    }

    private static void headersOf(HttpServerRequest request) {
        request.response().putHeader("X-Content-Type-Options", "nosniff");
        if (request.method() == HttpMethod.POST || request.path() != null && request.path().startsWith("/v1/analyses")) {
            request.response().putHeader("Cache-Control", "no-store");
        }
    }

    /** A 400 of the router: no route has run, so the request has no ID and no headers of ours yet. */
    private void routerRefusal(RoutingContext context) {
        if (context.statusCode() != 400 || context.response().headWritten()) {
            context.next();
            return;
        }
        HttpServerRequest request = context.request();
        headersOf(request);
        String detail = request.authority() == null
                ? "An HTTP/1.1 request needs a Host header."
                : "The request could not be read.";
        ProblemWriter.write(context, ProblemType.INVALID_REQUEST, detail, Map.of());
    }
}
