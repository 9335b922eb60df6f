package dev.visionapi.security;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.visionapi.config.AuthConfig;

/** An {@link AuthConfig} for unit tests: keys, key file and rate limit as given, metrics and docs open. */
record TestAuthConfig(Optional<List<String>> apiKeys, Optional<Path> apiKeysFile, int rateLimitPerMinute)
        implements AuthConfig {

    @Override
    public boolean metricsOpen() {
        return true;
    }

    @Override
    public boolean docsOpen() {
        return true;
    }
}
