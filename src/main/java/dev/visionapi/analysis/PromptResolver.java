package dev.visionapi.analysis;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.visionapi.config.AnalysisConfig;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/** Turns a request's presets (with their parameters) or free prompt into the instructions sent to the model. */
@ApplicationScoped
public class PromptResolver {

    private final PresetCatalog presets;
    private final int maxPresets;

    PromptResolver(PresetCatalog presets, AnalysisConfig config) {
        this.presets = presets;
        this.maxPresets = config.maxPresets();
    }

    /** The instruction of a request for one preset or a prompt; a 400 problem as {@link #resolveAll} says. */
    public Instruction resolve(AnalysisRequest request) {
        List<Instruction> instructions = resolveAll(request);
        if (instructions.size() != 1) {
            throw invalid("Send one 'preset' here.");
        }
        return instructions.get(0);
    }

    /**
     * One instruction per preset, in the order asked, or the prompt's; a 400 problem when the request names presets
     * and a prompt or neither, a preset twice, more than {@code analysis.max-presets}, or a preset it cannot fill.
     */
    public List<Instruction> resolveAll(AnalysisRequest request) {
        boolean hasPrompt = request.prompt().filter(text -> !text.isBlank()).isPresent();
        if (request.presetIds().isEmpty() != hasPrompt) {
            throw invalid("Send exactly one of 'preset' (a preset ID) or 'prompt' (your own instruction).");
        }
        if (hasPrompt) {
            return List.of(Instruction.custom(request.prompt().get()));
        }
        if (request.presetIds().size() > maxPresets) {
            throw invalid("Send at most %d presets (analysis.max-presets); this request has %d."
                    .formatted(maxPresets, request.presetIds().size()));
        }
        if (new HashSet<>(request.presetIds()).size() < request.presetIds().size()) {
            throw invalid("Each preset may be asked for once; this request repeats one.");
        }
        return request.presetIds().stream().map(id -> resolve(id, request.parameters())).toList();
    }

    private Instruction resolve(String id, Map<String, String> parameters) {
        Preset preset = presets.find(id)
                .orElseThrow(() -> invalid("Unknown preset '%s'. GET /v1/presets lists them.".formatted(id)));
        Map<String, String> values = parameterValues(preset, parameters);
        return new Instruction(Optional.ofNullable(preset.system()), PromptTemplate.fill(preset.prompt(), values),
                Optional.ofNullable(preset.schema()).map(schema -> withEnums(preset, schema, values)),
                Optional.ofNullable(preset.textTemplate()), Optional.ofNullable(preset.maxTokens()),
                Optional.ofNullable(preset.temperature()));
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
            // In code points, as the document's maxLength counts them: an emoji is one character, not two.
            if (value.codePointCount(0, value.length()) > parameter.maxLength()) {
                throw invalid("Field '%s' is longer than %d characters.".formatted(parameter.name(), parameter.maxLength()));
            }
            values.put(parameter.name(), PromptTemplate.inline(value));
        }
        return values;
    }

    /** The schema with each {@code schemaEnums} property limited to the values its parameter lists. */
    private static JsonNode withEnums(Preset preset, JsonNode schema, Map<String, String> values) {
        if (preset.schemaEnums() == null) {
            return schema;
        }
        ObjectNode copy = schema.deepCopy();
        preset.schemaEnums().forEach((property, parameter) -> {
            ArrayNode allowed = ((ObjectNode) copy.path("properties").path(property)).putArray("enum");
            Arrays.stream(values.get(parameter).split(",")).map(String::trim).filter(value -> !value.isEmpty())
                    .distinct().forEach(allowed::add);
        });
        return copy;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.INVALID_REQUEST, detail);
    }
}
