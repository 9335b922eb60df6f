package dev.visionapi.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import dev.visionapi.config.PresetsConfig;
import io.quarkus.runtime.Startup;

/**
 * The presets: the built-in ones from {@code presets.json} on the class path, then those of {@code presets.file},
 * which add to or replace them by ID. Every preset is checked when it is read; any problem stops start-up with a
 * message naming the preset and the problem.
 */
@ApplicationScoped
@Startup // read at start-up, so that a broken presets file stops the service instead of failing its first request
public class PresetCatalog {

    private static final String RESOURCE = "presets.json";
    private static final int MAX_TOKENS_LIMIT = 8192;

    private final Map<String, Preset> presets = new LinkedHashMap<>();

    PresetCatalog(PresetsConfig config, ObjectMapper json) throws IOException {
        try (InputStream in = PresetCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            addAll(json.readValue(in, Preset[].class), RESOURCE);
        }
        if (config.file().isPresent()) {
            Path file = config.file().get();
            Preset[] extra;
            try {
                extra = json.readValue(Files.readAllBytes(file), Preset[].class);
            } catch (IOException e) {
                throw new IllegalStateException("Preset file %s cannot be read as a JSON array of presets: %s"
                        .formatted(file, e.getMessage()), e);
            }
            addAll(extra, file.toString());
        }
    }

    public Collection<Preset> all() {
        return List.copyOf(presets.values());
    }

    public Optional<Preset> find(String id) {
        return Optional.ofNullable(presets.get(id));
    }

    private void addAll(Preset[] loaded, String source) {
        for (Preset preset : loaded) {
            List<String> problems = problems(preset);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("Preset '%s' in %s is invalid: %s"
                        .formatted(preset.id(), source, String.join("; ", problems)));
            }
            presets.put(preset.id(), preset);
        }
    }

    /** What is wrong with a preset, in words an operator can act on; empty when nothing is. */
    static List<String> problems(Preset preset) {
        List<String> problems = new ArrayList<>();
        if (preset.id() == null || !preset.id().matches("[a-z0-9][a-z0-9-]*")) {
            problems.add("its id must be lower-case letters, digits and hyphens");
        }
        if (preset.name() == null || preset.name().isBlank()) {
            problems.add("it has no name");
        }
        if (preset.prompt() == null || preset.prompt().isBlank()) {
            problems.add("it has no prompt");
            return problems;
        }
        List<PresetParameter> parameters = preset.parameters() == null ? List.of() : preset.parameters();
        Set<String> declared = new HashSet<>();
        for (PresetParameter parameter : parameters) {
            if (parameter.name() == null || !declared.add(parameter.name())) {
                problems.add("parameter names must be present and unique");
            } else if (parameter.maxLength() <= 0) {
                problems.add("parameter '%s' needs a maxLength above 0".formatted(parameter.name()));
            }
        }
        Set<String> used = PromptTemplate.placeholders(preset.prompt());
        if (!used.equals(declared)) {
            problems.add("its prompt uses placeholders %s but it declares parameters %s".formatted(used, declared));
        }
        if (preset.maxTokens() != null && (preset.maxTokens() < 1 || preset.maxTokens() > MAX_TOKENS_LIMIT)) {
            problems.add("maxTokens must be 1 to " + MAX_TOKENS_LIMIT);
        }
        if (preset.temperature() != null && (preset.temperature() < 0 || preset.temperature() > 1)) {
            problems.add("temperature must be 0 to 1");
        }
        if (preset.structured()) {
            problems.addAll(schemaProblems(preset, declared));
        } else if (preset.schemaEnums() != null || preset.textTemplate() != null) {
            problems.add("schemaEnums and textTemplate need a schema");
        }
        return problems;
    }

    private static List<String> schemaProblems(Preset preset, Set<String> parameters) {
        List<String> problems = new ArrayList<>();
        if (!"object".equals(preset.schema().path("type").asText())) {
            problems.add("its schema must describe an object (\"type\": \"object\")");
            return problems;
        }
        try {
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(preset.schema());
        } catch (RuntimeException e) {
            problems.add("its schema is not a valid JSON Schema: " + e.getMessage());
        }
        Map<String, String> enums = preset.schemaEnums() == null ? Map.of() : preset.schemaEnums();
        Set<String> properties = preset.schema().path("properties").properties().stream()
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        enums.forEach((property, parameter) -> {
            if (!properties.contains(property) || !parameters.contains(parameter)) {
                problems.add("schemaEnums maps '%s' to '%s', but the schema has no such property or the preset no "
                        .formatted(property, parameter) + "such parameter");
            }
        });
        return problems;
    }
}
