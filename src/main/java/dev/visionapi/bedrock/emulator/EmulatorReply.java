package dev.visionapi.bedrock.emulator;

import java.time.Duration;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the emulator answers to one call: a Converse result or a Bedrock error, as Bedrock puts them on the wire. For
 * ConverseStream the result's text is sent in chunks, {@code chunkDelay} apart, and may break off after
 * {@code failAfterChunks} chunks with an in-stream exception.
 */
public record EmulatorReply(int status, String errorType, JsonObject body, Duration chunkDelay,
        StreamFailure streamFailure) {

    /** An exception frame sent in the middle of a stream, after this many text chunks. */
    public record StreamFailure(int afterChunks, String exceptionType, String message) {
    }

    /** A successful Converse response with one text block. */
    public static EmulatorReply answer(String text, int inputTokens, int outputTokens) {
        JsonObject message = new JsonObject().put("role", "assistant")
                .put("content", new JsonArray().add(new JsonObject().put("text", text)));
        return new EmulatorReply(200, null, new JsonObject()
                .put("output", new JsonObject().put("message", message))
                .put("stopReason", "end_turn")
                .put("usage", new JsonObject().put("inputTokens", inputTokens).put("outputTokens", outputTokens)
                        .put("totalTokens", inputTokens + outputTokens))
                .put("metrics", new JsonObject().put("latencyMs", 1)), Duration.ZERO, null);
    }

    /** A successful Converse response whose content is one call of the named tool with this input. */
    public static EmulatorReply toolUse(String toolName, JsonObject input, int inputTokens, int outputTokens) {
        EmulatorReply reply = answer("", inputTokens, outputTokens);
        JsonObject use = new JsonObject().put("toolUseId", "tooluse_emulator").put("name", toolName).put("input", input);
        reply.body().getJsonObject("output").getJsonObject("message")
                .put("content", new JsonArray().add(new JsonObject().put("toolUse", use)));
        reply.body().put("stopReason", "tool_use");
        return reply;
    }

    /** A successful answer of a JSON operation other than Converse (the control plane's). */
    public static EmulatorReply json(int status, JsonObject body) {
        return new EmulatorReply(status, null, body, Duration.ZERO, null);
    }

    /** An error the way Bedrock sends it: the type in {@code x-amzn-ErrorType}, the message in the body. */
    public static EmulatorReply error(int status, String errorType, String message) {
        return new EmulatorReply(status, errorType, new JsonObject().put("message", message), Duration.ZERO, null);
    }

    /** No answer at all: the connection is closed under the request, as a load balancer or a network might. */
    public static EmulatorReply dropConnection() {
        return new EmulatorReply(0, null, new JsonObject(), Duration.ZERO, null);
    }

    boolean connectionDropped() {
        return status == 0;
    }

    /**
     * The same answer with the prompt cache's counts in its usage, as Bedrock reports them when a request has a cache
     * point: apart from {@code inputTokens}, and counted in {@code totalTokens}. Nulls leave the usage as it is.
     */
    EmulatorReply withCacheUsage(Integer cacheRead, Integer cacheWrite) {
        if (cacheRead == null || cacheWrite == null) {
            return this;
        }
        JsonObject copy = body.copy();
        JsonObject usage = copy.getJsonObject("usage");
        usage.put("cacheReadInputTokens", cacheRead).put("cacheWriteInputTokens", cacheWrite)
                .put("totalTokens", usage.getInteger("totalTokens") + cacheRead + cacheWrite);
        return new EmulatorReply(status, errorType, copy, chunkDelay, streamFailure);
    }

    /** The same answer, streamed with this pause before each chunk. */
    public EmulatorReply withChunkDelay(Duration delay) {
        return new EmulatorReply(status, errorType, body, delay, streamFailure);
    }

    /** The same answer, streamed until {@code afterChunks} chunks and then broken off by an exception frame. */
    public EmulatorReply failingMidStream(int afterChunks, String exceptionType, String message) {
        return new EmulatorReply(status, errorType, body, chunkDelay,
                new StreamFailure(afterChunks, exceptionType, message));
    }

    String text() {
        return body.getJsonObject("output").getJsonObject("message").getJsonArray("content").getJsonObject(0)
                .getString("text");
    }
}
