package dev.visionapi.api;

import java.util.HashMap;
import java.util.Map;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/** Answers with a problem from a Vert.x route, before the REST layer is reached. */
public final class ProblemWriter {

    private ProblemWriter() {
    }

    public static Future<Void> write(RoutingContext context, ProblemType type, String detail, Map<String, String> headers) {
        var response = context.response().setStatusCode(type.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        headers.forEach(response::putHeader);
        return response.end(Json.encode(Problem.of(type, detail, context.request().path())));
    }

    public static Future<Void> write(RoutingContext context, ProblemException problem) {
        return write(context, problem.type(), problem.getMessage(), headersOf(problem));
    }

    /**
     * Answers a request whose body is left unread: an HTTP/1.1 connection cannot carry another request after it, so
     * it is closed once the answer is written.
     */
    public static void writeAndClose(RoutingContext context, ProblemException problem) {
        HttpServerRequest request = context.request();
        boolean http1 = request.version() != HttpVersion.HTTP_2;
        Map<String, String> headers = new HashMap<>(headersOf(problem));
        if (http1) {
            headers.put("Connection", "close");
        }
        write(context, problem.type(), problem.getMessage(), headers).onComplete(done -> {
            if (http1) {
                request.connection().close();
            }
        });
    }

    private static Map<String, String> headersOf(ProblemException problem) {
        return problem.retryAfter().map(wait -> Map.of("Retry-After", Long.toString(wait.toSeconds())))
                .orElse(Map.of());
    }
}
