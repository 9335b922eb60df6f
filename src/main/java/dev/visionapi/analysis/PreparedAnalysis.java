package dev.visionapi.analysis;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.bedrock.ModelCall;
import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.image.ImageSummary;
import dev.visionapi.image.PreparedImage;

/**
 * An analysis that passed every check and has its images prepared: all that is left is asking the model.
 *
 * @param textTemplate for structured presets, how the data is rendered as text (null for the generic rendering)
 */
public record PreparedAnalysis(ModelCall call, String presetId, String textTemplate, long startedNanos) {

    public boolean structured() {
        return call.outputSchema().isPresent();
    }

    /**
     * Makes the analysis from the model's answer, holding only what it reports, not the images' bytes: while the
     * model thinks, nothing but the Bedrock request needs them.
     */
    Function<ModelAnswer, Analysis> completion() {
        ModelProfile model = call.model();
        List<ImageSummary> images = call.images().stream().map(PreparedImage::summary).toList();
        String preset = presetId;
        long started = startedNanos;
        return answer -> new Analysis(UUID.randomUUID().toString(), model, preset, answer, images,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), null);
    }
}
