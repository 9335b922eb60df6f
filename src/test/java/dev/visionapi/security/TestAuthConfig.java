package dev.visionapi.security;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.visionapi.config.AuthConfig;

/** An {@link AuthConfig} for unit tests: keys, key file, rate limit and failed-authentication limit as given, metrics and docs open. */
record TestAuthConfig(Optional<List<String>> apiKeys, Optional<Path> apiKeysFile, int rateLimitPerMinute,
        int failedAuthenticationsPerMinute) implements AuthConfig {

    TestAuthConfig(Optional<List<String>> apiKeys, Optional<Path> apiKeysFile, int rateLimitPerMinute) {
        this(apiKeys, apiKeysFile, rateLimitPerMinute, 0);
    }

    @Override
    public boolean metricsOpen() {
        return true;
    }

    @Override
    public boolean docsOpen() {
        return true;
    }
}
