package dev.visionapi.analysis;

import java.util.List;

import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.image.ImageSummary;

/**
 * The answers to a request for several presets over the same images, in the order asked: each preset's analysis, or
 * why that preset alone failed.
 */
public record PresetAnalyses(String id, ModelProfile model, List<Outcome> outcomes, List<ImageSummary> images,
        long latencyMs) {

    /** One preset's answer ({@code analysis}) or failure ({@code failure}); exactly one of them is set. */
    public record Outcome(String presetId, Analysis analysis, Throwable failure) {
    }
}
