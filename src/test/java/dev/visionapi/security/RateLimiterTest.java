package dev.visionapi.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.visionapi.config.AuthConfig;

class RateLimiterTest {

    /** 15 seconds past a minute, in epoch milliseconds: 45 seconds before the minute turns. */
    private static final long AT = 1_700_000_000_000L / 60_000 * 60_000 + 15_000;

    @Test
    void eachNameHasItsCountInFixedMinuteWindows() {
        RateLimiter limiter = new RateLimiter(limit(2));
        assertThat(limiter.secondsToWait("aaaa1111", AT)).isZero();
        assertThat(limiter.secondsToWait("aaaa1111", AT + 1_000)).isZero();
        assertThat(limiter.secondsToWait("aaaa1111", AT + 2_000)).isEqualTo(43);
        assertThat(limiter.secondsToWait("bbbb2222", AT + 2_000)).isZero();
        assertThat(limiter.secondsToWait("aaaa1111", AT + 45_000)).as("the next minute").isZero();
    }

    @Test
    void zeroMeansNoLimit() {
        RateLimiter limiter = new RateLimiter(limit(0));
        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.secondsToWait("aaaa1111", AT)).isZero();
        }
    }

    private static AuthConfig limit(int perMinute) {
        return new TestAuthConfig(Optional.empty(), Optional.empty(), perMinute);
    }
}
