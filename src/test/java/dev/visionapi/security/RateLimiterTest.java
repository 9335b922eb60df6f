package dev.visionapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.visionapi.config.AuthConfig;

/** The rate limits on a clock moved by hand: no test waits. */
class RateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

    @Test
    void eachNameHasItsOwnLimit() {
        RateLimiter limiter = new RateLimiter(limit(2), nanos::get);
        assertThat(limiter.secondsToWait("aaaa1111")).isZero();
        assertThat(limiter.secondsToWait("aaaa1111")).isZero();
        assertThat(limiter.secondsToWait("aaaa1111")).as("the third in a minute").isEqualTo(30);
        assertThat(limiter.secondsToWait("bbbb2222")).isZero();
    }

    @Test
    void noBoundaryLetsTwiceTheLimitThrough() {
        RateLimiter limiter = new RateLimiter(limit(60), nanos::get);
        // The old fixed windows let 60 through at 0:59 and 60 more at 1:00.
        advance(59_000);
        int admitted = 0;
        for (int i = 0; i < 60; i++) {
            admitted += limiter.secondsToWait("aaaa1111") == 0 ? 1 : 0;
        }
        advance(1_000);
        for (int i = 0; i < 60; i++) {
            admitted += limiter.secondsToWait("aaaa1111") == 0 ? 1 : 0;
        }
        assertThat(admitted).as("in two seconds").isEqualTo(61);
    }

    @Test
    void theLimitRefillsEvenlyOverTheMinute() {
        RateLimiter limiter = new RateLimiter(limit(4), nanos::get);
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.secondsToWait("aaaa1111")).isZero();
        }
        assertThat(limiter.secondsToWait("aaaa1111")).isEqualTo(15);
        advance(15_000);
        assertThat(limiter.secondsToWait("aaaa1111")).as("one more after a quarter of a minute").isZero();
        assertThat(limiter.secondsToWait("aaaa1111")).isEqualTo(15);
        advance(60_000);
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.secondsToWait("aaaa1111")).as("a full burst after a quiet minute").isZero();
        }
    }

    @Test
    void zeroMeansNoLimit() {
        RateLimiter limiter = new RateLimiter(limit(0), nanos::get);
        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.secondsToWait("aaaa1111")).isZero();
        }
    }

    @Test
    void wrongKeysAreCountedPerAddressWithoutTakingAPlaceToCheck() {
        FailedAuthentications failures = new FailedAuthentications(failedLimit(3), nanos::get);
        for (int i = 0; i < 5; i++) {
            assertThat(failures.secondsToWait("192.0.2.7")).as("asking does not count").isZero();
        }
        failures.failed("192.0.2.7");
        failures.failed("192.0.2.7");
        assertThat(failures.secondsToWait("192.0.2.7")).isZero();
        failures.failed("192.0.2.7");
        assertThat(failures.secondsToWait("192.0.2.7")).isEqualTo(20);
        assertThat(failures.secondsToWait("192.0.2.8")).as("another address").isZero();
        advance(20_000);
        assertThat(failures.secondsToWait("192.0.2.7")).isZero();
    }

    private void advance(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static AuthConfig limit(int perMinute) {
        return new TestAuthConfig(Optional.empty(), Optional.empty(), perMinute);
    }

    private static AuthConfig failedLimit(int perMinute) {
        return new TestAuthConfig(Optional.empty(), Optional.empty(), 0, perMinute);
    }
}
