package dev.visionapi.analysis;

import java.util.List;

import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.image.ImageSummary;

/** A completed analysis: what ran, on what, and what the model answered (its text rendered for structured presets). */
public record Analysis(String id, ModelProfile model, String presetId, ModelAnswer answer, List<ImageSummary> images,
        long latencyMs) {
}
