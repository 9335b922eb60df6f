package dev.visionapi.security;

import java.time.Duration;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

/**
 * One token bucket per name (a key's name, a client address): at most {@code perMinute} at once, refilled
 * continuously at {@code perMinute} a minute, so no boundary lets twice the limit through. At most
 * {@code maxNames} buckets are kept; one unused for a minute is full again and is dropped, so memory stays bounded
 * however many names come.
 */
final class TokenBuckets {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final long perMinute;
    private final TimeMeter clock;
    private final Cache<String, Bucket> buckets;

    /** {@code nanoClock} gives monotonic nanoseconds; tests pass a clock they move by hand. */
    TokenBuckets(long perMinute, long maxNames, LongSupplier nanoClock) {
        this.perMinute = perMinute;
        this.clock = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanoClock.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.buckets = Caffeine.newBuilder().maximumSize(maxNames).expireAfterAccess(MINUTE)
                .ticker(nanoClock::getAsLong).executor(Runnable::run).build();
    }

    /** Takes one token of this name's bucket: 0 if there was one, else the seconds until there is one (at least 1). */
    long take(String name) {
        return seconds(bucket(name).tryConsumeAndReturnRemaining(1).getNanosToWaitForRefill());
    }

    /** The seconds until this name's bucket has a token, 0 if it has one now; takes nothing. */
    long secondsUntilAvailable(String name) {
        Bucket bucket = buckets.getIfPresent(name);
        return bucket == null ? 0 : seconds(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
    }

    private Bucket bucket(String name) {
        return buckets.get(name, ignored -> Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, MINUTE))
                .withCustomTimePrecision(clock).build());
    }

    private static long seconds(long nanos) {
        return nanos <= 0 ? 0 : Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
