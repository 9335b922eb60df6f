package dev.visionapi.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Optional API keys for {@code /v1/**} (enforced by {@code dev.visionapi.security}); without keys the API is open.
 * Health and the web page stay open. Each key is known by its name: the key file's, else the first 8 hex digits of its
 * SHA-256.
 */
@ConfigMapping(prefix = "auth")
public interface AuthConfig {

    /** Accepted keys, comma-separated (env {@code AUTH_API_KEYS}, e.g. from a Kubernetes Secret). */
    Optional<List<String>> apiKeys();

    /**
     * A file with one accepted key per line (blank lines and lines starting with # are skipped): a bare key, or
     * {@code name:key}, or {@code name:key:budget} with a monthly budget in USD; keys in the file contain no ':'.
     */
    Optional<Path> apiKeysFile();

    /** Whether {@code /q/metrics} stays open when keys are configured; false puts it behind the keys too. */
    @WithDefault("true")
    boolean metricsOpen();

    /** Whether the OpenAPI document and Swagger UI stay open when keys are configured; false puts them behind the keys. */
    @WithDefault("true")
    boolean docsOpen();

    /**
     * Requests per minute each key (by name) may make to {@code /v1/**}, as a token bucket: a burst of this many, then
     * this many a minute, evenly. 0 means no limit. Over it: 429 with Retry-After.
     */
    @WithDefault("0")
    int rateLimitPerMinute();

    /**
     * Wrong API keys a client address may send a minute (a token bucket); past them its requests with a key get 429
     * with Retry-After before the key is checked. 0 means no limit.
     */
    @WithDefault("20")
    int failedAuthenticationsPerMinute();
}
