package dev.visionapi.bedrock.emulator;

import java.util.List;
import java.util.Objects;

import dev.visionapi.bedrock.BedrockConverseClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** One Converse or ConverseStream request as the emulator received it: the model ID from the path and the body. */
public record ConverseCall(String modelId, JsonObject body, boolean streaming) {

    /** The content blocks of the first (user) message. */
    public JsonArray content() {
        return body.getJsonArray("messages").getJsonObject(0).getJsonArray("content");
    }

    /** The text of the first text block, or an empty string. */
    public String prompt() {
        return content().stream().map(JsonObject.class::cast)
                .filter(block -> block.containsKey("text"))
                .map(block -> block.getString("text"))
                .findFirst().orElse("");
    }

    /** The image blocks of the request, in order. */
    public List<JsonObject> images() {
        return content().stream().map(JsonObject.class::cast)
                .filter(block -> block.containsKey("image"))
                .map(block -> block.getJsonObject("image"))
                .toList();
    }

    /** The S3 locations ({@code uri}, optional {@code bucketOwner}) of the image blocks read from S3, in order. */
    public List<JsonObject> s3Locations() {
        return images().stream()
                .map(image -> image.getJsonObject("source", new JsonObject()).getJsonObject("s3Location"))
                .filter(Objects::nonNull)
                .toList();
    }

    /** How many image blocks the request carries. */
    public long imageCount() {
        return images().size();
    }

    /** The position of the first {@code cachePoint} block among the message's content blocks; -1 when there is none. */
    public int cachePointIndex() {
        JsonArray content = content();
        for (int i = 0; i < content.size(); i++) {
            if (content.getJsonObject(i).containsKey("cachePoint")) {
                return i;
            }
        }
        return -1;
    }

    /** Where the request has a {@code cachePoint}, as Bedrock names the place in a validation message; null if nowhere. */
    public String cachePointPath() {
        int index = cachePointIndex();
        if (index >= 0) {
            return "#/messages/0/content/" + index;
        }
        JsonArray system = body.getJsonArray("system", new JsonArray());
        for (int i = 0; i < system.size(); i++) {
            if (system.getJsonObject(i).containsKey("cachePoint")) {
                return "#/system/" + i;
            }
        }
        return null;
    }

    /** The tool specification the request forces a call of, or null when it forces none. */
    public JsonObject forcedTool() {
        JsonObject config = body.getJsonObject("toolConfig");
        if (config == null || config.getJsonObject("toolChoice") == null
                || config.getJsonObject("toolChoice").getJsonObject("tool") == null) {
            return null;
        }
        String name = config.getJsonObject("toolChoice").getJsonObject("tool").getString("name");
        return config.getJsonArray("tools").stream().map(JsonObject.class::cast)
                .map(tool -> tool.getJsonObject("toolSpec"))
                .filter(spec -> name.equals(spec.getString("name")))
                .findFirst().orElse(null);
    }

    /** The system prompt's text, all blocks joined. */
    public String system() {
        JsonArray system = body.getJsonArray("system", new JsonArray());
        return system.stream().map(JsonObject.class::cast).map(block -> block.getString("text", ""))
                .reduce("", String::concat);
    }

    /** The JSON Schema a JSON-only system prompt ends with, or null when the system prompt asks for none. */
    public JsonObject jsonOnlySchema() {
        String system = system();
        int marker = system.indexOf(BedrockConverseClient.JSON_SCHEMA_MARKER);
        return marker < 0 ? null : new JsonObject(system.substring(marker + BedrockConverseClient.JSON_SCHEMA_MARKER.length()));
    }

    /**
     * The JSON Schema of Converse's native structured output ({@code outputConfig.textFormat}, type
     * {@code json_schema}), or null when the request asks for none. Bedrock takes the schema as a JSON string.
     */
    public JsonObject structuredOutputSchema() {
        JsonObject format = body.getJsonObject("outputConfig", new JsonObject()).getJsonObject("textFormat");
        if (format == null || !"json_schema".equals(format.getString("type"))) {
            return null;
        }
        String schema = format.getJsonObject("structure", new JsonObject())
                .getJsonObject("jsonSchema", new JsonObject()).getString("schema");
        return schema == null ? null : new JsonObject(schema);
    }

    /** Short, for test failure messages: the body holds whole images in base64. */
    @Override
    public String toString() {
        return "ConverseCall[" + modelId + (streaming ? ", streaming" : "") + ", " + imageCount() + " image(s)]";
    }
}
