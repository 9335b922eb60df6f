package dev.visionapi.api;

import java.util.Map;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;

/** Answers with a problem from a Vert.x route, before the REST layer is reached. */
public final class ProblemWriter {

    private ProblemWriter() {
    }

    public static Future<Void> write(RoutingContext context, ProblemType type, String detail, Map<String, String> headers) {
        var response = context.response().setStatusCode(type.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        headers.forEach(response::putHeader);
        return response.end(Json.encode(Problem.of(type, detail, context.request().path())));
    }
}
