package dev.visionapi.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.visionapi.problem.ProblemType;
import dev.visionapi.api.ProblemWriter;
import dev.visionapi.config.AuthConfig;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * When API keys are configured, every {@code /v1/**} request needs one (and, by configuration, the metrics and the
 * API documentation), as {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}; a missing or wrong key is a 401 problem with {@code WWW-Authenticate}. Keys are compared
 * by their SHA-256 digests in constant time and are never logged. An optional per-key rate limit answers 429.
 */
@ApplicationScoped
public class ApiKeyFilter {

    private static final Logger LOG = Logger.getLogger(ApiKeyFilter.class);
    private static final String BEARER = "Bearer ";
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer realm=\"image-understanding\"");

    private final List<byte[]> keyDigests = new ArrayList<>();
    private final int perMinute;
    private final boolean metricsOpen;
    private final boolean docsOpen;
    private final Map<String, RateWindow> windows = new ConcurrentHashMap<>();

    /** Requests counted in the current minute for one key. */
    private static final class RateWindow {
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

    ApiKeyFilter(AuthConfig config) {
        config.apiKeys().ifPresent(keys -> keys.forEach(this::accept));
        config.apiKeysFile().ifPresent(file -> {
            try {
                Files.readAllLines(file).stream().map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(this::accept);
            } catch (IOException e) {
                throw new UncheckedIOException("API key file " + file + " cannot be read", e);
            }
        });
        perMinute = config.rateLimitPerMinute();
        metricsOpen = config.metricsOpen();
        docsOpen = config.docsOpen();
        LOG.infof("API keys %s", keyDigests.isEmpty() ? "not configured: /v1 is open" : "required for /v1 ("
                + keyDigests.size() + " keys)");
    }

    void register(@Observes Router router) {
        if (keyDigests.isEmpty()) {
            return;
        }
        router.routeWithRegex("/v1/.*").order(Integer.MIN_VALUE + 2).handler(this::check);
        if (!metricsOpen) {
            router.routeWithRegex("/q/metrics.*").order(Integer.MIN_VALUE + 2).handler(this::check);
        }
        if (!docsOpen) {
            router.routeWithRegex("/q/(openapi|swagger-ui).*").order(Integer.MIN_VALUE + 2).handler(this::check);
        }
    }

    private void check(RoutingContext context) {
        Optional<byte[]> key = presentedKey(context).map(ApiKeyFilter::digest);
        Optional<byte[]> match = key.flatMap(digest -> keyDigests.stream()
                .filter(known -> MessageDigest.isEqual(known, digest)).findFirst());
        if (match.isEmpty()) {
            ProblemWriter.write(context, ProblemType.UNAUTHORIZED, key.isEmpty()
                    ? "Send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."
                    : "The API key is not valid.", CHALLENGE);
            return;
        }
        if (perMinute > 0) {
            long wait = windows.computeIfAbsent(HexFormat.of().formatHex(match.get()), ignored -> new RateWindow())
                    .secondsToWaitAfterCounting(System.currentTimeMillis(), perMinute);
            if (wait > 0) {
                ProblemWriter.write(context, ProblemType.RATE_LIMITED,
                        "This key may make %d requests a minute.".formatted(perMinute),
                        Map.of("Retry-After", Long.toString(wait)));
                return;
            }
        }
        context.next();
    }

    private static Optional<String> presentedKey(RoutingContext context) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(authorization.substring(BEARER.length()).strip()).filter(key -> !key.isEmpty());
        }
        return Optional.ofNullable(context.request().getHeader("X-API-Key")).map(String::strip)
                .filter(key -> !key.isEmpty());
    }

    private void accept(String key) {
        if (!key.isBlank()) {
            keyDigests.add(digest(key.strip()));
        }
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
