package dev.visionapi.analysis;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.visionapi.image.RequestImage;

/**
 * One analysis as the client asked for it, before anything is checked beyond the form's own constraints.
 *
 * @param presetIds the presets to answer, in the order asked; empty with a prompt
 * @param parameters preset parameter values by name (shared by the presets); absent ones are not in the map
 */
public record AnalysisRequest(
        List<RequestImage> images,
        List<String> presetIds,
        Optional<String> prompt,
        Optional<String> model,
        Optional<Integer> maxTokens,
        Optional<Double> temperature,
        Map<String, String> parameters) {

    public static final int DEFAULT_MAX_TOKENS = 2000;
    public static final double DEFAULT_TEMPERATURE = 0.0;

    /** A request for one preset or a prompt, as jobs make them. */
    public AnalysisRequest(List<RequestImage> images, Optional<String> presetId, Optional<String> prompt,
            Optional<String> model, Optional<Integer> maxTokens, Optional<Double> temperature,
            Map<String, String> parameters) {
        this(images, presetId.stream().toList(), prompt, model, maxTokens, temperature, parameters);
    }

    /** The preset when exactly one is asked for. */
    public Optional<String> presetId() {
        return presetIds.size() == 1 ? Optional.of(presetIds.get(0)) : Optional.empty();
    }

    /** Whether the images are to be answered for more than one preset. */
    public boolean severalPresets() {
        return presetIds.size() > 1;
    }

    /** What telemetry reports of a request, without its images' bytes, which need not wait for the model. */
    public record Summary(List<String> presetIds, Optional<String> model, int imageCount) {
    }

    public Summary summary() {
        return new Summary(presetIds, model, images.size());
    }
}
