package dev.visionapi.security;

import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.visionapi.config.AuthConfig;

/**
 * Wrong API keys per client address ({@code auth.failed-authentications-per-minute}, 0 for no limit): an address that
 * has sent that many in the last minute (a token bucket, as for {@link RateLimiter}) gets 429 before its next key is
 * checked, so keys cannot be guessed at speed.
 */
@ApplicationScoped
public class FailedAuthentications {

    /** Bounds the memory an attacker with many addresses can take; past it, the least recently seen are forgotten. */
    private static final int MAX_ADDRESSES = 20_000;

    private final int perMinute;
    private final TokenBuckets buckets;

    @Inject
    FailedAuthentications(AuthConfig config) {
        this(config, System::nanoTime);
    }

    FailedAuthentications(AuthConfig config, LongSupplier nanoClock) {
        this.perMinute = config.failedAuthenticationsPerMinute();
        this.buckets = perMinute > 0 ? new TokenBuckets(perMinute, MAX_ADDRESSES, nanoClock) : null;
    }

    public int perMinute() {
        return perMinute;
    }

    /** Seconds this address must wait before a key it sends is checked again; 0 if it may send one now. */
    public long secondsToWait(String address) {
        return buckets == null ? 0 : buckets.secondsUntilAvailable(address);
    }

    /** Counts one wrong key sent from this address. */
    void failed(String address) {
        if (buckets != null) {
            buckets.take(address);
        }
    }
}
