package dev.visionapi.sources;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.BedrockConfig;
import dev.visionapi.config.SourcesConfig;
import io.quarkus.runtime.Startup;

/**
 * Stops the service at start-up when an image source may take as long as the model: a fetch then answers 504 for
 * the source where the client could as well have waited for Bedrock, and the two timeouts read as one.
 */
@Startup
@ApplicationScoped
public class SourceDeadlines {

    SourceDeadlines(SourcesConfig sources, BedrockConfig bedrock) {
        check(sources, bedrock.timeout());
    }

    static void check(SourcesConfig sources, Duration bedrockTimeout) {
        shorter("sources.url.timeout", sources.url().timeout(), "bedrock.timeout", bedrockTimeout);
        shorter("sources.url.connect-timeout", sources.url().connectTimeout(), "sources.url.timeout",
                sources.url().timeout());
        shorter("sources.s3.timeout", sources.s3().timeout(), "bedrock.timeout", bedrockTimeout);
    }

    private static void shorter(String name, Duration value, String limitName, Duration limit) {
        if (value.compareTo(limit) >= 0) {
            throw new IllegalStateException("%s (%d ms) must be shorter than %s (%d ms)"
                    .formatted(name, value.toMillis(), limitName, limit.toMillis()));
        }
    }
}
