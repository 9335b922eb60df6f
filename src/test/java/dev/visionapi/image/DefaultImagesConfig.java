package dev.visionapi.image;

import java.time.Duration;
import java.util.OptionalInt;

import dev.visionapi.config.ImagesConfig;

/** The service's image limits as {@code application.properties} leaves them, for tests and benchmarks without CDI. */
final class DefaultImagesConfig implements ImagesConfig {

    @Override
    public long maxFileBytes() {
        return 20L * 1024 * 1024;
    }

    @Override
    public int maxCount() {
        return 20;
    }

    @Override
    public long maxPixels() {
        return 50_000_000L;
    }

    @Override
    public int maxSide() {
        return 30_000;
    }

    @Override
    public int maxLongEdge() {
        return 1568;
    }

    @Override
    public float jpegQuality() {
        return 0.87f;
    }

    @Override
    public OptionalInt maxConcurrentDecodes() {
        return OptionalInt.empty();
    }

    @Override
    public Decode decode() {
        return new Decode() {
            @Override
            public int maxQueued() {
                return 64;
            }

            @Override
            public Duration maxWait() {
                return Duration.ofSeconds(10);
            }
        };
    }
}
