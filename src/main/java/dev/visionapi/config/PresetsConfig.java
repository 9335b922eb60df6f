package dev.visionapi.config;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where presets come from besides the built-in ones. */
@ConfigMapping(prefix = "presets")
public interface PresetsConfig {

    /**
     * A JSON file with an array of presets in the form of the built-in {@code presets.json}; a preset with the ID of
     * a built-in one replaces it. Checked at start-up: a broken file stops the service with a message naming the
     * preset and the problem.
     */
    Optional<Path> file();
}
