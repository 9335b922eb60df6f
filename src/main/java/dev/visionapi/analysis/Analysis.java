package dev.visionapi.analysis;

import java.util.List;

import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.image.PreparedImage;

/** A completed analysis: what ran, on what, and what the model answered. */
public record Analysis(String id, String model, String presetId, ModelAnswer answer, List<PreparedImage> images,
        long latencyMs) {
}
