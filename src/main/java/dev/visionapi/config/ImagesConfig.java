package dev.visionapi.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits on the images a request may carry. The whole request is capped by {@code quarkus.http.limits.max-body-size}. */
@ConfigMapping(prefix = "images")
public interface ImagesConfig {

    /** Largest accepted image file, in bytes; a larger one is refused with 413. */
    @WithDefault("20971520")
    long maxFileBytes();

    /** Most images in one request (Bedrock's Converse accepts 20). */
    @WithDefault("20")
    int maxCount();
}
