package dev.visionapi.ops;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every request an ID, the client's {@code X-Request-Id} when it is sane (so calls can be traced across
 * services), a new one otherwise, and returns it on every response, errors included.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    void register(@Observes Router router) {
        // Before every other route, the body limit included, so that refusals carry the ID too.
        router.route().order(Integer.MIN_VALUE).handler(this::assign);
    }

    private void assign(RoutingContext context) {
        String offered = context.request().getHeader(HEADER);
        String id = offered != null && SANE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
        context.response().putHeader(HEADER, id);
        context.next();
    }

    /** The ID given to this request. */
    public static String of(HttpServerRequest request) {
        return request.response().headers().get(HEADER);
    }
}
