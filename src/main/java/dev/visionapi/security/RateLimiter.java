package dev.visionapi.security;

import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.visionapi.config.AuthConfig;

/**
 * Each key's request rate ({@code auth.rate-limit-per-minute}, 0 for no limit): a token bucket per key name, so a key
 * may make a burst of that many requests and then that many a minute, evenly; says how long a key over it must wait.
 */
@ApplicationScoped
public class RateLimiter {

    /** Far more key names than any deployment configures; identities named otherwise (tests) stay bounded too. */
    private static final int MAX_KEYS = 10_000;

    private final int perMinute;
    private final TokenBuckets buckets;

    @Inject
    RateLimiter(AuthConfig config) {
        this(config, System::nanoTime);
    }

    RateLimiter(AuthConfig config, LongSupplier nanoClock) {
        this.perMinute = config.rateLimitPerMinute();
        this.buckets = perMinute > 0 ? new TokenBuckets(perMinute, MAX_KEYS, nanoClock) : null;
    }

    public int perMinute() {
        return perMinute;
    }

    /** Counts one request of this key; the seconds it must wait when the request is over the limit, else 0. */
    public long secondsToWait(String keyName) {
        return buckets == null ? 0 : buckets.take(keyName);
    }
}
