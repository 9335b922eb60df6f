package dev.visionapi.config;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How much work the service takes on at once, and from whom. */
@ConfigMapping(prefix = "analysis")
public interface AnalysisConfig {

    /** Presets one request may ask for; their answers share the images, prepared once. */
    @WithDefault("8")
    int maxPresets();

    /** Which calls put a Bedrock prompt-cache point after their images (on models that cache prompts). */
    @WithDefault("several-presets")
    PromptCache promptCache();

    /**
     * {@code several-presets}: the calls of a request that names several, so that the later ones read what the first
     * wrote; {@code always}: every call, so that later requests with the same images within 5 minutes read them too,
     * each first call paying the cache write (25 % over the input price on Claude); {@code never}.
     */
    enum PromptCache {
        SEVERAL_PRESETS, ALWAYS, NEVER
    }

    /** Analyses running at the same time; one more is refused at once with 503 and {@code Retry-After}. */
    @WithDefault("256")
    int maxInFlight();

    /**
     * Analyses one client address may have running at the same time (its uploads included); one more is refused with
     * 429 and {@code Retry-After}. A quarter of {@code max-in-flight} by default, so that a few addresses cannot take
     * every place; raise it when the clients reach the service through one proxy address.
     */
    @WithDefault("64")
    int maxInFlightPerClient();

    /** Seconds a client refused for overload is asked to wait ({@code Retry-After}). */
    @WithDefault("1")
    int overloadRetryAfterSeconds();

    /**
     * How long the 503 is held back, the connection left unread meanwhile, when a client sends an analysis again on
     * the same HTTP/1.1 connection before the {@code Retry-After} of its last 503 has passed; {@code 0} answers every
     * refusal at once.
     */
    @WithDefault("250ms")
    Duration earlyRetryDelay();

    /**
     * How long a request body may send nothing before the request is answered 408 and its connection closed, its
     * place and upload memory freed.
     */
    @WithDefault("10s")
    Duration bodyIdleTimeout();

    /**
     * Memory for the uploads of all analyses in flight together, counted as their bytes arrive; a request whose
     * declared length does not fit in what is left is refused at once with 503, one that outgrows it while arriving
     * too. Default: a quarter of the maximum heap, and never less than {@code quarkus.http.limits.max-body-size}.
     */
    Optional<MemorySize> uploadMemory();

    /**
     * Threads that check JSON analyses (the request, the images' headers) and start their call to Bedrock; images
     * that need decoding are finished in the image decode queue ({@code images.decode}). Default: the number of
     * processors.
     */
    OptionalInt preparationThreads();
}
