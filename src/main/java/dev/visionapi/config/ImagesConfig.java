package dev.visionapi.config;

import java.time.Duration;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Limits on the images a request may carry and how they are prepared for the model. The whole request is capped by
 * {@code quarkus.http.limits.max-body-size}.
 */
@ConfigMapping(prefix = "images")
public interface ImagesConfig {

    /** Largest accepted image file, in bytes; a larger one is refused with 413. */
    @WithDefault("20971520")
    long maxFileBytes();

    /** Most images in one request (Bedrock's Converse accepts 20). */
    @WithDefault("20")
    int maxCount();

    /**
     * Most pixels (width × height, read from the header before decoding) an image may claim; a larger one is refused
     * with 422. This bounds the memory one decode can take.
     */
    @WithDefault("50000000")
    long maxPixels();

    /** Most pixels an image may claim on either side; a wider or taller one is refused with 422. */
    @WithDefault("30000")
    int maxSide();

    /**
     * Longest edge, in pixels, of the images sent to the model; larger ones are scaled down. Claude reads images best
     * at up to 1568 px and scales larger ones down itself, at the cost of latency. Capped at Bedrock's 8000.
     */
    @WithDefault("1568")
    int maxLongEdge();

    /** JPEG quality (0 to 1) of re-encoded photos; lowered step by step if Bedrock's 3.75 MB is still exceeded. */
    @WithDefault("0.87")
    float jpegQuality();

    /**
     * Images decoded at the same time (on threads of their own, never the event loop), and one more for a client that
     * has none being decoded; further ones wait their turn in the decode queue ({@link #decode()}), so that many large
     * uploads cannot exhaust the heap. Default: the number of processors: decoding is CPU work, so more at once only
     * holds more images in memory.
     */
    OptionalInt maxConcurrentDecodes();

    /** The queue of images waiting to be decoded, shared fairly between clients. */
    Decode decode();

    /** Bounds of the decode queue; past them an image is refused with 503 {@code overloaded} and Retry-After. */
    interface Decode {

        /**
         * Images waiting to be decoded, all clients together; one more pushes out the newest image of the client with
         * the most waiting, or is refused if that is its own client.
         */
        @WithDefault("64")
        int maxQueued();

        /** How long an image may wait for its decode to start; Retry-After is this, in whole seconds. */
        @WithDefault("10s")
        Duration maxWait();
    }
}
