package dev.visionapi.bedrock;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.api.ProblemException;
import dev.visionapi.api.ProblemType;
import dev.visionapi.config.BedrockConfig;

/** Decides which model a request runs on: the one it names, if allowed, or the default. */
@ApplicationScoped
public class ModelSelector {

    private final String defaultModel;
    private final Set<String> allowed = new LinkedHashSet<>();

    ModelSelector(BedrockConfig config) {
        defaultModel = config.defaultModel();
        allowed.add(defaultModel);
        config.models().stream().map(String::trim).filter(id -> !id.isEmpty()).forEach(allowed::add);
    }

    public String defaultModel() {
        return defaultModel;
    }

    /** Every model a request may name, the default first. */
    public Set<String> allowed() {
        return Collections.unmodifiableSet(allowed);
    }

    public String select(Optional<String> requested) {
        String model = requested.map(String::trim).filter(id -> !id.isEmpty()).orElse(defaultModel);
        if (!allowed.contains(model)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "Model '%s' is not allowed here. Allowed models: %s.".formatted(model, String.join(", ", allowed)));
        }
        return model;
    }
}
