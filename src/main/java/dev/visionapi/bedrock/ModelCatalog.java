package dev.visionapi.bedrock;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.config.BedrockConfig;

/**
 * The models requests may name. The catalogue in {@code models.json} describes Bedrock's vision models;
 * {@code bedrock.models-file} adds or replaces entries; {@code bedrock.models}, when set, narrows the allowed models to
 * its list (IDs the catalogue lacks are allowed with generic capabilities and no price). The default model is always
 * allowed.
 */
@ApplicationScoped
public class ModelCatalog {

    private static final String RESOURCE = "models.json";

    private final Map<String, ModelProfile> allowed = new LinkedHashMap<>();
    private final ModelProfile defaultModel;

    record CatalogueFile(String pricesTakenOn, String pricesNote, List<ModelProfile> models) {
    }

    ModelCatalog(BedrockConfig config, ObjectMapper json) throws IOException {
        Map<String, ModelProfile> known = new LinkedHashMap<>();
        try (InputStream in = ModelCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            json.readValue(in, CatalogueFile.class).models().forEach(model -> known.put(model.id(), model));
        }
        if (config.modelsFile().isPresent()) {
            Path file = config.modelsFile().get();
            json.readValue(Files.readAllBytes(file), CatalogueFile.class).models()
                    .forEach(model -> known.put(model.id(), model));
        }
        defaultModel = known.getOrDefault(config.defaultModel(), ModelProfile.unknown(config.defaultModel()));
        allowed.put(defaultModel.id(), defaultModel);
        List<String> ids = config.models().orElse(List.copyOf(known.keySet()));
        ids.stream().map(String::trim).filter(id -> !id.isEmpty())
                .forEach(id -> allowed.putIfAbsent(id, known.getOrDefault(id, ModelProfile.unknown(id))));
    }

    public ModelProfile defaultModel() {
        return defaultModel;
    }

    /** Every model a request may name, the default first. */
    public Collection<ModelProfile> allowed() {
        return Collections.unmodifiableCollection(allowed.values());
    }

    public boolean isAllowed(String id) {
        return allowed.containsKey(id);
    }

    /** The model a request runs on: the one it names, if allowed, or the default. */
    public ModelProfile select(Optional<String> requested) {
        String id = requested.map(String::trim).filter(name -> !name.isEmpty()).orElse(defaultModel.id());
        ModelProfile model = allowed.get(id);
        if (model == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "Model '%s' is not allowed here. Allowed models: %s."
                    .formatted(id, String.join(", ", allowed.keySet())));
        }
        return model;
    }
}
