package dev.visionapi.jobs.batch;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.analysis.PreparedAnalysis;
import dev.visionapi.bedrock.ModelProfile;

/**
 * What the answers of a batch job's records must be, the same for all of its items: the model (for the batch price),
 * and for structured presets the schema the data must follow and the template that renders it as text.
 *
 * @param textTemplate the preset's text template, or null for the generic rendering
 */
public record ExpectedAnswer(ModelProfile model, Optional<JsonNode> outputSchema, String textTemplate) {

    /** What the answer to this prepared analysis must be. */
    public static ExpectedAnswer of(PreparedAnalysis prepared) {
        return new ExpectedAnswer(prepared.call().model(), prepared.call().outputSchema(), prepared.textTemplate());
    }
}
