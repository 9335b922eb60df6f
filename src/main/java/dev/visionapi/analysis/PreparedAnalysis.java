package dev.visionapi.analysis;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.bedrock.ModelCall;

/**
 * An analysis that passed every check and has its images prepared: all that is left is asking the model.
 *
 * @param textTemplate for structured presets, how the data is rendered as text (null for the generic rendering)
 */
public record PreparedAnalysis(ModelCall call, String presetId, String textTemplate, long startedNanos) {

    public boolean structured() {
        return call.outputSchema().isPresent();
    }

    Analysis complete(ModelAnswer answer) {
        return new Analysis(UUID.randomUUID().toString(), call.model(), presetId, answer, call.images(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
    }
}
