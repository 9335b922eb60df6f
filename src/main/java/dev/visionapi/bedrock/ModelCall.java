package dev.visionapi.bedrock;

import java.util.List;

import dev.visionapi.image.PreparedImage;

/** One request to a vision model: images first, then the instruction, as one user turn. */
public record ModelCall(String modelId, List<PreparedImage> images, String prompt, int maxTokens, float temperature) {
}
