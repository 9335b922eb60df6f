package dev.visionapi.analysis;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.api.ProblemException;
import dev.visionapi.api.ProblemType;

/** Turns a request's preset (with its parameters) or free prompt into the instruction sent to the model. */
@ApplicationScoped
public class PromptResolver {

    private final PresetCatalog presets;

    PromptResolver(PresetCatalog presets) {
        this.presets = presets;
    }

    /** The prompt text; throws a 400 problem when the request names both or neither, or a preset it cannot fill. */
    public String resolve(AnalysisRequest request) {
        boolean hasPrompt = request.prompt().filter(text -> !text.isBlank()).isPresent();
        if (request.presetId().isPresent() == hasPrompt) {
            throw invalid("Send exactly one of 'preset' (a preset ID) or 'prompt' (your own instruction).");
        }
        if (hasPrompt) {
            return request.prompt().get();
        }
        String id = request.presetId().get();
        Preset preset = presets.find(id)
                .orElseThrow(() -> invalid("Unknown preset '%s'. GET /v1/presets lists them.".formatted(id)));
        return PromptTemplate.fill(preset.prompt(), parameterValues(preset, request.parameters()));
    }

    private static Map<String, String> parameterValues(Preset preset, Map<String, String> supplied) {
        Map<String, String> values = new HashMap<>();
        for (PresetParameter parameter : preset.parameters()) {
            String value = supplied.get(parameter.name());
            if (value == null || value.isBlank()) {
                value = parameter.defaultValue();
            }
            if (value == null) {
                throw invalid("Preset '%s' needs the '%s' field: %s"
                        .formatted(preset.id(), parameter.name(), parameter.description()));
            }
            if (value.length() > parameter.maxLength()) {
                throw invalid("Field '%s' is longer than %d characters.".formatted(parameter.name(), parameter.maxLength()));
            }
            values.put(parameter.name(), value.strip());
        }
        return values;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_REQUEST, detail);
    }
}
