package dev.visionapi.bedrock;

import java.util.List;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Follows one ConverseStream: passes text deltas on and collects the stop reason and usage. A stream that ends
 * without both {@code messageStop} and {@code metadata} is a failure, never a success: the SDK can end a stream
 * quietly when something goes wrong inside it (aws-sdk-java-v2#4929).
 */
final class StreamAssembler {

    private final StringBuilder text = new StringBuilder();
    private String stopReason;
    private TokenUsage usage;

    /** The text delta to pass on, if the event carries text. */
    List<ModelStreamEvent> accept(ConverseStreamOutput event) {
        if (event instanceof ContentBlockDeltaEvent delta && delta.delta() != null && delta.delta().text() != null) {
            text.append(delta.delta().text());
            return List.of(new ModelStreamEvent.TextDelta(delta.delta().text()));
        }
        if (event instanceof MessageStopEvent stop) {
            stopReason = stop.stopReasonAsString();
        } else if (event instanceof ConverseStreamMetadataEvent metadata) {
            usage = metadata.usage();
        }
        return List.of();
    }

    ModelStreamEvent completed() {
        if (stopReason == null || usage == null) {
            throw new ProblemException(ProblemType.BEDROCK_FAILED,
                    "Bedrock's answer stream ended before the model finished.");
        }
        return new ModelStreamEvent.Completed(new ModelAnswer(text.toString(), null, stopReason,
                BedrockConverseClient.tokens(usage)));
    }
}
