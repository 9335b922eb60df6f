package dev.visionapi.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The result cache: answers kept under a hash of what decides them (the images' bytes as sent, the instruction, the
 * model and its limits) and served again for the same request. In process by default; shared by every replica
 * through Redis when {@code quarkus.redis.hosts} is set.
 */
@ConfigMapping(prefix = "cache")
public interface CacheConfig {

    /** Whether answers are stored and served again; false sends every request to Bedrock. */
    @WithDefault("true")
    boolean enabled();

    /** How long a stored answer is served again. */
    @WithDefault("24h")
    Duration ttl();

    /** Answers kept in process (without Redis); past it the least used go first. */
    @WithDefault("10000")
    long maxEntries();

    /** How long a Redis command may take; a lookup that takes longer is a miss, a store is given up. */
    @WithDefault("200ms")
    Duration redisTimeout();
}
