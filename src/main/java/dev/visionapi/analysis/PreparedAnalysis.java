package dev.visionapi.analysis;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.bedrock.ModelCall;

/** An analysis that passed every check and has its images prepared: all that is left is asking the model. */
public record PreparedAnalysis(ModelCall call, String presetId, long startedNanos) {

    Analysis complete(ModelAnswer answer) {
        return new Analysis(UUID.randomUUID().toString(), call.modelId(), presetId, answer, call.images(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
    }
}
