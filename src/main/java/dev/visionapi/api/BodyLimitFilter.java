package dev.visionapi.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/**
 * Refuses a request whose declared length exceeds {@code quarkus.http.limits.max-body-size} with a 413 problem before
 * any of its body is read; Vert.x would answer it with an empty 413. A chunked analysis body that grows too large is
 * refused by {@link AdmissionFilter} as it arrives, with the same detail.
 */
@ApplicationScoped
public class BodyLimitFilter {

    private final long maxBodyBytes;

    BodyLimitFilter(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::checkDeclaredLength);
    }

    private void checkDeclaredLength(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        // The HTTP codec has already refused malformed lengths; 19 digits fit a long.
        if (length != null && length.length() < 20 && Long.parseLong(length) > maxBodyBytes) {
            tooLarge(context);
        } else {
            context.next();
        }
    }

    private void tooLarge(RoutingContext context) {
        ProblemWriter.writeAndClose(context,
                new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, tooLargeDetail(maxBodyBytes)));
    }

    static String tooLargeDetail(long maxBodyBytes) {
        return "The request body is larger than %d bytes.".formatted(maxBodyBytes);
    }
}
