package dev.visionapi.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.api.ProblemException;
import dev.visionapi.api.ProblemType;
import dev.visionapi.config.AnalysisConfig;

/** Counts the analyses under way and sheds the one too many, so that overload is refused fast, never queued. */
@ApplicationScoped
public class InFlightLimiter {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final int limit;
    private final Duration retryAfter;

    InFlightLimiter(AnalysisConfig config) {
        this.limit = config.maxInFlight();
        this.retryAfter = Duration.ofSeconds(config.overloadRetryAfterSeconds());
    }

    /** Takes a place, or throws a 503 problem when all are taken; every place taken must be released once. */
    public void acquire() {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            throw new ProblemException(ProblemType.OVERLOADED,
                    "The service is running %d analyses, its limit. Try again shortly.".formatted(limit), retryAfter, null);
        }
    }

    public void release() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }
}
