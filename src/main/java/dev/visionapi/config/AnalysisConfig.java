package dev.visionapi.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How much work the service takes on at once. */
@ConfigMapping(prefix = "analysis")
public interface AnalysisConfig {

    /**
     * Analyses running at the same time; one more is refused at once with 503 and {@code Retry-After} instead of
     * queueing without bound in front of a rate-limited model API.
     */
    @WithDefault("256")
    int maxInFlight();

    /** Seconds a client refused for overload is asked to wait ({@code Retry-After}). */
    @WithDefault("1")
    int overloadRetryAfterSeconds();
}
