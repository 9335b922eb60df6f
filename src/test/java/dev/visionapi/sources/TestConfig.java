package dev.visionapi.sources;

import java.time.Duration;
import java.util.Map;

import dev.visionapi.config.ImagesConfig;
import dev.visionapi.config.SourcesConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The configuration mappings as SmallRye Config builds them from the given properties and the defaults. */
final class TestConfig {

    private final SmallRyeConfig config;

    TestConfig(Map<String, String> properties) {
        config = new SmallRyeConfigBuilder()
                .withMapping(SourcesConfig.class)
                .withMapping(ImagesConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                // Quarkus' form of durations ("20s"), as the application reads them.
                .withConverter(Duration.class, 200, new DurationConverter())
                .build();
    }

    SourcesConfig sources() {
        return config.getConfigMapping(SourcesConfig.class);
    }

    ImagesConfig images() {
        return config.getConfigMapping(ImagesConfig.class);
    }
}
