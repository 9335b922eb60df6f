package dev.visionapi.bedrock;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.image.PreparedImage;

/**
 * One request to a vision model: images first, then the instruction, as one user turn.
 *
 * @param outputSchema for structured answers: the JSON Schema of the answer's data
 * @param cacheImages whether the images are to be followed by a prompt-cache point, when the model caches prompts and
 *        they reach its minimum: another call with the same images is expected soon
 */
public record ModelCall(ModelProfile model, List<PreparedImage> images, Optional<String> system, String prompt,
        Optional<JsonNode> outputSchema, int maxTokens, float temperature, boolean cacheImages) {

    public String modelId() {
        return model.id();
    }
}
