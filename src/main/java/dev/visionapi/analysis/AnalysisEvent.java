package dev.visionapi.analysis;

/**
 * What a streamed analysis yields: text deltas in order, then the finished analysis exactly once ({@code Done} for one
 * preset or a prompt, {@code AllDone} for several presets).
 */
public sealed interface AnalysisEvent {

    /** @param presetId the preset whose answer the text belongs to, when a request asked for several; else null */
    record Delta(String presetId, String text) implements AnalysisEvent {
    }

    record Done(Analysis analysis) implements AnalysisEvent {
    }

    record AllDone(PresetAnalyses analyses) implements AnalysisEvent {
    }
}
