package dev.visionapi.jobs;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A job's results as NDJSON: one JSON object per line, for the API and the results file alike. */
@ApplicationScoped
public class ResultLines {

    public static final String MEDIA_TYPE = "application/x-ndjson";

    private final ObjectMapper json;

    ResultLines(ObjectMapper json) {
        this.json = json;
    }

    void append(StringBuilder lines, List<JobResult> results) {
        for (JobResult result : results) {
            try {
                lines.append(json.writeValueAsString(result)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("A result cannot be written as JSON", e);
            }
        }
    }
}
