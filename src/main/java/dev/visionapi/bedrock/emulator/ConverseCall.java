package dev.visionapi.bedrock.emulator;

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

    /** How many image blocks the request carries. */
    public long imageCount() {
        return content().stream().map(JsonObject.class::cast).filter(block -> block.containsKey("image")).count();
    }

    /** Short, for test failure messages: the body holds whole images in base64. */
    @Override
    public String toString() {
        return "ConverseCall[" + modelId + (streaming ? ", streaming" : "") + ", " + imageCount() + " image(s)]";
    }
}
