package dev.visionapi.security;

import java.time.Duration;

import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * For every request the REST layer routes to a resource (all of them under {@code /v1}), with the identity known:
 * names the key in the log context ({@code apiKey}) and applies its rate limit (429 with Retry-After). Anonymous
 * requests (no keys configured; a missing key is refused by the resources' role check) are neither named nor limited.
 */
public class ApiKeyRequestFilter {

    /** The log context (MDC) entry with the name of the request's key. */
    public static final String LOG_KEY = "apiKey";

    private final CurrentIdentityAssociation identities;
    private final RateLimiter limiter;

    ApiKeyRequestFilter(CurrentIdentityAssociation identities, RateLimiter limiter) {
        this.identities = identities;
        this.limiter = limiter;
    }

    @ServerRequestFilter
    public Uni<Void> nameAndLimit() {
        return identities.getDeferredIdentity().invoke(identity -> {
            if (identity.isAnonymous()) {
                return;
            }
            String name = identity.getPrincipal().getName();
            MDC.put(LOG_KEY, name);
            long wait = limiter.secondsToWait(name);
            if (wait > 0) {
                throw new ProblemException(ProblemType.RATE_LIMITED,
                        "This key may make %d requests a minute.".formatted(limiter.perMinute()),
                        Duration.ofSeconds(wait), null);
            }
        }).replaceWithVoid();
    }
}
