package dev.visionapi.bedrock.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What the emulator answers to one call: a Converse result or a Bedrock error, as Bedrock puts them on the wire. */
public record EmulatorReply(int status, String errorType, JsonObject body) {

    /** A successful Converse response with one text block. */
    public static EmulatorReply answer(String text, int inputTokens, int outputTokens) {
        JsonObject message = new JsonObject().put("role", "assistant")
                .put("content", new JsonArray().add(new JsonObject().put("text", text)));
        return new EmulatorReply(200, null, new JsonObject()
                .put("output", new JsonObject().put("message", message))
                .put("stopReason", "end_turn")
                .put("usage", new JsonObject().put("inputTokens", inputTokens).put("outputTokens", outputTokens)
                        .put("totalTokens", inputTokens + outputTokens))
                .put("metrics", new JsonObject().put("latencyMs", 1)));
    }

    /** An error the way Bedrock sends it: the type in {@code x-amzn-ErrorType}, the message in the body. */
    public static EmulatorReply error(int status, String errorType, String message) {
        return new EmulatorReply(status, errorType, new JsonObject().put("message", message));
    }
}
