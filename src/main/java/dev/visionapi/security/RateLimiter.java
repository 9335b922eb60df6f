package dev.visionapi.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.AuthConfig;

/**
 * Counts each key's requests in fixed minute windows ({@code auth.rate-limit-per-minute}, 0 for no limit) and says
 * how long a key over its limit must wait.
 */
@ApplicationScoped
public class RateLimiter {

    private final int perMinute;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    RateLimiter(AuthConfig config) {
        this.perMinute = config.rateLimitPerMinute();
    }

    public int perMinute() {
        return perMinute;
    }

    /** Counts one request of this key; the seconds it must wait when the request is over the limit, else 0. */
    public long secondsToWait(String keyName, long nowMillis) {
        if (perMinute <= 0) {
            return 0;
        }
        return windows.computeIfAbsent(keyName, ignored -> new Window()).secondsToWaitAfterCounting(nowMillis, perMinute);
    }

    /** Requests counted in the current minute for one key. */
    private static final class Window {
        private long minute;
        private int count;

        synchronized long secondsToWaitAfterCounting(long nowMillis, int limit) {
            long current = nowMillis / 60_000;
            if (current != minute) {
                minute = current;
                count = 0;
            }
            count++;
            return count <= limit ? 0 : 60 - (nowMillis / 1000) % 60;
        }
    }
}
