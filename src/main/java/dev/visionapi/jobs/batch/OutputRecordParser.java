package dev.visionapi.jobs.batch;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.analysis.StructuredAnswer;
import dev.visionapi.bedrock.JsonInText;
import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.problem.ProblemType;

/**
 * Turns one line of a batch output file ({@code {recordId, modelInput, modelOutput}} or
 * {@code {recordId, modelInput, error: {errorCode, errorMessage}}}) into the item's outcome. The echoed
 * {@code modelInput}, images and all, is skipped without being read into memory as a tree.
 */
final class OutputRecordParser {

    private static final int MAX_FORWARDED_MESSAGE = 300;

    private final ObjectMapper json;
    private final StructuredAnswer structure;

    OutputRecordParser(ObjectMapper json, StructuredAnswer structure) {
        this.json = json;
        this.structure = structure;
    }

    /** The outcome the line holds, or null when it is not a record of this service (no or a foreign recordId). */
    BatchOutcome parse(byte[] line, ExpectedAnswer expected) throws IOException {
        String recordId = null;
        JsonNode output = null;
        JsonNode error = null;
        try (JsonParser parser = json.getFactory().createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "recordId" -> recordId = parser.getValueAsString();
                    case "modelOutput" -> output = json.readTree(parser);
                    case "error" -> error = json.readTree(parser);
                    default -> parser.skipChildren();
                }
            }
        }
        long index = BatchRecordId.index(recordId);
        if (index < 0) {
            return null;
        }
        if (error != null || output == null) {
            return failed(index, error);
        }
        return answered(index, output, expected);
    }

    private BatchOutcome answered(long index, JsonNode output, ExpectedAnswer expected) {
        StringBuilder text = new StringBuilder();
        for (JsonNode block : output.path("output").path("message").path("content")) {
            if (block.has("text")) {
                text.append(block.get("text").asText());
            }
        }
        JsonNode usage = output.path("usage");
        ModelAnswer.TokenUsage tokens = new ModelAnswer.TokenUsage(count(usage, "inputTokens"),
                count(usage, "outputTokens"), count(usage, "totalTokens"), null, null);
        String stopReason = output.path("stopReason").asText(null);
        ModelAnswer answer;
        if (expected.outputSchema().isPresent()) {
            JsonNode data = JsonInText.objectIn(json, text.toString());
            List<String> problems = structure.problems(data, expected.outputSchema().get());
            if (!problems.isEmpty()) {
                return new BatchOutcome.Failed(index, ProblemType.MODEL_OUTPUT_INVALID,
                        "The model returned malformed output: " + String.join("; ", problems));
            }
            answer = new ModelAnswer(structure.render(data, expected.textTemplate()), data, stopReason, tokens);
        } else {
            answer = new ModelAnswer(text.toString(), null, stopReason, tokens);
        }
        return new BatchOutcome.Succeeded(index, answer,
                expected.model().estimatedBatchCostUsd(tokens.inputTokens(), tokens.outputTokens()));
    }

    /**
     * A record Bedrock answered with an error: a 400-class code means the model refused the record (its message, which
     * the caller may need to fix the input, is passed on, cut short); any other is Bedrock's failure.
     */
    private static BatchOutcome failed(long index, JsonNode error) {
        int code = error == null ? 0 : error.path("errorCode").asInt(0);
        String message = error == null ? "" : error.path("errorMessage").asText("");
        if (code == 403) {
            return new BatchOutcome.Failed(index, ProblemType.BEDROCK_ACCESS_DENIED,
                    "Bedrock's batch job was denied access for this record.");
        }
        if (code >= 400 && code < 500 && code != 429) {
            String shown = message.length() > MAX_FORWARDED_MESSAGE
                    ? message.substring(0, MAX_FORWARDED_MESSAGE) + "…" : message;
            return new BatchOutcome.Failed(index, ProblemType.MODEL_REJECTED_REQUEST,
                    "The model rejected this item: " + shown);
        }
        return new BatchOutcome.Failed(index, ProblemType.BEDROCK_FAILED,
                "Bedrock's batch inference failed on this item (error code %d).".formatted(code));
    }

    private static Integer count(JsonNode usage, String field) {
        JsonNode value = usage.get(field);
        return value == null || !value.canConvertToInt() ? null : value.intValue();
    }

}
