package dev.visionapi.analysis;

import java.util.List;

import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.image.ImageSummary;

/**
 * A completed analysis: what ran, on what, and what the model answered (its text rendered for structured presets).
 *
 * @param cachedUsage for an answer served from the result cache, the usage of the call that made it (then
 *        {@code answer}'s usage is zero: this analysis cost nothing); null for a fresh answer
 */
public record Analysis(String id, ModelProfile model, String presetId, ModelAnswer answer, List<ImageSummary> images,
        long latencyMs, ModelAnswer.TokenUsage cachedUsage) {

    /** Whether the answer came from the result cache instead of the model. */
    public boolean cached() {
        return cachedUsage != null;
    }

    /** This analysis as one served from the result cache: no tokens used now, the stored answer's usage kept apart. */
    Analysis servedFromCache() {
        ModelAnswer.TokenUsage none = new ModelAnswer.TokenUsage(0, 0, 0, null, null);
        return new Analysis(id, model, presetId, new ModelAnswer(answer.text(), answer.data(), answer.stopReason(), none),
                images, latencyMs, answer.usage());
    }
}
