package dev.visionapi.jobs;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What every item of a job is analysed with, as the client asked for it; stored with the job.
 *
 * @param outputPrefix where the results file is written when the job ends ({@code s3://bucket/prefix/}), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(String preset, String prompt, Map<String, String> parameters, String model,
        String outputPrefix) {

    public JobSpec {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    Optional<String> presetId() {
        return present(preset);
    }

    Optional<String> promptText() {
        return present(prompt);
    }

    Optional<String> output() {
        return present(outputPrefix);
    }

    private static Optional<String> present(String value) {
        return Optional.ofNullable(value).filter(text -> !text.isBlank());
    }
}
