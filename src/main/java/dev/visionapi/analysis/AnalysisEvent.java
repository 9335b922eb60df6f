package dev.visionapi.analysis;

/** What a streamed analysis yields: text deltas in order, then the finished analysis exactly once. */
public sealed interface AnalysisEvent {

    record Delta(String text) implements AnalysisEvent {
    }

    record Done(Analysis analysis) implements AnalysisEvent {
    }
}
