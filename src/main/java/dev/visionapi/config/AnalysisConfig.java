package dev.visionapi.config;

import java.time.Duration;
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
     * How long the 503 is held back, its upload left unread meanwhile, when a client sends an analysis again on the
     * same HTTP/1.1 connection before the {@code Retry-After} of its last 503 has passed and the service is still
     * full. A client that retries in a loop then costs the service a few refusals a second instead of hundreds,
     * each of which reads its whole upload, and the analyses admitted keep their latency. {@code 0} answers every
     * refusal at once.
     */
    @WithDefault("250ms")
    Duration earlyRetryDelay();

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
