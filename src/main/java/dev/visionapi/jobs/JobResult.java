package dev.visionapi.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One finished item: one line of a job's results (NDJSON). A succeeded item has {@code text}, {@code data} (structured
 * presets) and {@code usage}; a failed one its {@code problem}, as {@code /v1/analyses} would have answered.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"index", "source", "status", "text", "data", "usage", "problem"})
public record JobResult(int index, String source, String status, String text, JsonNode data, JsonNode usage,
        JsonNode problem) {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
}
