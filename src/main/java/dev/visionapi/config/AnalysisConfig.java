package dev.visionapi.config;

import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.configuration.MemorySize;
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

    /**
     * Memory for the uploads of all analyses in flight together; uploads are held in memory, never written to disk.
     * A request reserves its declared length when it arrives (a chunked one, its bytes as they come); one that does
     * not fit is refused at once with 503. Default: a quarter of the maximum heap, and never less than
     * {@code quarkus.http.limits.max-body-size}.
     */
    Optional<MemorySize> uploadMemory();

    /**
     * Threads that check JSON analyses (the request, the images' headers) and start their call to Bedrock; they
     * never wait for the model, and images that need decoding are finished on Quarkus' worker pool. Further analyses
     * queue in order. Default: the number of processors.
     */
    OptionalInt preparationThreads();
}
