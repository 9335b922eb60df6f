package dev.visionapi.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The presets, read once from {@code presets.json} on the class path. A template that uses a placeholder it does
 * not declare, or declares one it never uses, stops start-up.
 */
@ApplicationScoped
public class PresetCatalog {

    private static final String RESOURCE = "presets.json";

    private final Map<String, Preset> presets = new LinkedHashMap<>();

    PresetCatalog(ObjectMapper json) throws IOException {
        try (InputStream in = PresetCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Preset resource missing: " + RESOURCE);
            }
            for (Preset preset : json.readValue(in, Preset[].class)) {
                checkPlaceholders(preset);
                presets.put(preset.id(), preset);
            }
        }
    }

    public Collection<Preset> all() {
        return List.copyOf(presets.values());
    }

    public Optional<Preset> find(String id) {
        return Optional.ofNullable(presets.get(id));
    }

    private static void checkPlaceholders(Preset preset) {
        Set<String> used = PromptTemplate.placeholders(preset.prompt());
        Set<String> declared = preset.parameters().stream().map(PresetParameter::name).collect(Collectors.toSet());
        if (!used.equals(declared)) {
            throw new IllegalStateException("Preset '%s' uses placeholders %s but declares parameters %s"
                    .formatted(preset.id(), used, declared));
        }
    }
}
