package dev.visionapi.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.visionapi.config.AuthConfig;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;

/**
 * The path policies of {@code application.properties}' security section: {@code /v1} needs a key whenever keys are
 * configured; the metrics and the API documentation only when {@code auth.metrics-open} / {@code auth.docs-open} is
 * false as well.
 */
@ApplicationScoped
public class ApiKeyPolicies {

    @Produces
    @Singleton
    HttpSecurityPolicy api(ApiKeys keys) {
        return new ApiKeyPolicy("api-key", keys.configured());
    }

    @Produces
    @Singleton
    HttpSecurityPolicy metrics(ApiKeys keys, AuthConfig config) {
        return new ApiKeyPolicy("api-key-unless-metrics-open", keys.configured() && !config.metricsOpen());
    }

    @Produces
    @Singleton
    HttpSecurityPolicy docs(ApiKeys keys, AuthConfig config) {
        return new ApiKeyPolicy("api-key-unless-docs-open", keys.configured() && !config.docsOpen());
    }
}
