package dev.visionapi.analysis;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the model is told for one request: a system prompt (maybe empty), the prompt, and, for structured presets,
 * the schema its answer must follow and how to render that answer as text.
 */
public record Instruction(Optional<String> system, String prompt, Optional<JsonNode> schema,
        Optional<String> textTemplate, Optional<Integer> maxTokens, Optional<Double> temperature) {

    static Instruction custom(String prompt) {
        return new Instruction(Optional.empty(), prompt, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
