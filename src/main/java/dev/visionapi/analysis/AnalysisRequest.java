package dev.visionapi.analysis;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.visionapi.image.RequestImage;

/**
 * One analysis as the client asked for it, before anything is checked beyond the form's own constraints.
 *
 * @param parameters preset parameter values by name; absent ones are not in the map
 */
public record AnalysisRequest(
        List<RequestImage> images,
        Optional<String> presetId,
        Optional<String> prompt,
        Optional<String> model,
        Optional<Integer> maxTokens,
        Optional<Double> temperature,
        Map<String, String> parameters) {

    public static final int DEFAULT_MAX_TOKENS = 2000;
    public static final double DEFAULT_TEMPERATURE = 0.0;

    /** What telemetry reports of a request, without its images' bytes, which need not wait for the model. */
    public record Summary(Optional<String> presetId, Optional<String> model, int imageCount) {
    }

    public Summary summary() {
        return new Summary(presetId, model, images.size());
    }
}
