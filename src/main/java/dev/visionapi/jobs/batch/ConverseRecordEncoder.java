package dev.visionapi.jobs.batch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.BedrockConverseClient;
import dev.visionapi.bedrock.ModelCall;
import dev.visionapi.image.PreparedImage;

/**
 * Encodes one item as a line of a Converse batch input file: {@code {"recordId": "00000000042", "modelInput": {…}}},
 * where {@code modelInput} is the body of the Converse request the on-demand path would send (the images as base64
 * bytes, then the prompt, as one user turn; the system prompt; {@code inferenceConfig}). Batch records may not use
 * tools, so a structured answer is asked for with Converse's native structured output ({@code outputConfig}) when the
 * model supports it ({@code supportsOutputSchema}), and with the JSON-only system prompt otherwise. Records carry no
 * {@code cachePoint}: the service prices batch items at the batch rates only.
 */
final class ConverseRecordEncoder {

    /** The name Bedrock is given for the answer's schema. */
    static final String SCHEMA_NAME = "result";

    private final ObjectMapper json;

    ConverseRecordEncoder(ObjectMapper json) {
        this.json = json;
    }

    /** The record as one line of UTF-8 JSON, newline included. */
    byte[] encode(BatchItem item) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(estimatedSize(item.call()));
        try (JsonGenerator out = json.getFactory().createGenerator(line, JsonEncoding.UTF8)) {
            out.writeStartObject();
            out.writeStringField("recordId", BatchRecordId.of(item.index()));
            out.writeFieldName("modelInput");
            modelInput(out, item.call());
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        line.write('\n');
        return line.toByteArray();
    }

    private void modelInput(JsonGenerator out, ModelCall call) throws IOException {
        out.writeStartObject();
        out.writeArrayFieldStart("messages");
        out.writeStartObject();
        out.writeStringField("role", "user");
        out.writeArrayFieldStart("content");
        for (PreparedImage image : call.images()) {
            out.writeStartObject();
            out.writeObjectFieldStart("image");
            out.writeStringField("format", image.format().formatName());
            out.writeObjectFieldStart("source");
            out.writeFieldName("bytes");
            out.writeBinary(image.bytes()); // base64, as restJson1 carries blobs
            out.writeEndObject();
            out.writeEndObject();
            out.writeEndObject();
        }
        out.writeStartObject();
        out.writeStringField("text", call.prompt());
        out.writeEndObject();
        out.writeEndArray();
        out.writeEndObject();
        out.writeEndArray();
        boolean nativeStructure = call.model().supportsOutputSchema();
        JsonNode schema = call.outputSchema().orElse(null);
        String jsonOnly = schema != null && !nativeStructure ? BedrockConverseClient.jsonOnlyInstruction(schema) : null;
        if (call.system().isPresent() || jsonOnly != null) {
            out.writeArrayFieldStart("system");
            if (call.system().isPresent()) {
                out.writeStartObject();
                out.writeStringField("text", call.system().get());
                out.writeEndObject();
            }
            if (jsonOnly != null) {
                out.writeStartObject();
                out.writeStringField("text", jsonOnly);
                out.writeEndObject();
            }
            out.writeEndArray();
        }
        out.writeObjectFieldStart("inferenceConfig");
        out.writeNumberField("maxTokens", call.maxTokens());
        out.writeNumberField("temperature", call.temperature());
        out.writeEndObject();
        if (schema != null && nativeStructure) {
            out.writeObjectFieldStart("outputConfig");
            out.writeObjectFieldStart("textFormat");
            out.writeStringField("type", "json_schema");
            out.writeObjectFieldStart("structure");
            out.writeObjectFieldStart("jsonSchema");
            out.writeStringField("schema", json.writeValueAsString(schema)); // Bedrock takes the schema as a string
            out.writeStringField("name", SCHEMA_NAME);
            out.writeEndObject();
            out.writeEndObject();
            out.writeEndObject();
            out.writeEndObject();
        }
        out.writeEndObject();
    }

    /** Base64 is 4/3 of the bytes; the rest is small. */
    private static int estimatedSize(ModelCall call) {
        long size = 1024L + call.prompt().length() * 2L;
        for (PreparedImage image : call.images()) {
            size += image.bytes().length * 4L / 3 + 64;
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 8);
    }
}
