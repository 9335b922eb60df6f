package dev.visionapi.bedrock;

/** What a streamed model answer yields: text as it is written, then the complete answer exactly once. */
public sealed interface ModelStreamEvent {

    /** The next piece of the answer's text. */
    record TextDelta(String text) implements ModelStreamEvent {
    }

    /** The whole answer, with the stop reason and usage from Bedrock's {@code messageStop} and {@code metadata}. */
    record Completed(ModelAnswer answer) implements ModelStreamEvent {
    }
}
