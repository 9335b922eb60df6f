package dev.visionapi.bedrock.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Writes a ConverseStream answer as Bedrock does: {@code application/vnd.amazon.eventstream} messages
 * ({@link EventStreamFrame}), one per event, sent as the "model" produces them.
 */
final class ConverseStreamWriter {

    private static final Pattern CHUNK = Pattern.compile("\\S+\\s*|\\s+");

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final EmulatorReply reply;
    private final Consumer<Boolean> onEnd;
    private final List<Buffer> frames = new ArrayList<>();
    private int next;
    private boolean ended;

    private ConverseStreamWriter(Vertx vertx, HttpServerResponse response, EmulatorReply reply,
            Consumer<Boolean> onEnd) {
        this.vertx = vertx;
        this.response = response;
        this.reply = reply;
        this.onEnd = onEnd;
    }

    /**
     * Streams the reply's text word by word. {@code onEnd} is told once whether the whole stream was written
     * ({@code true}) or the client went away first ({@code false}).
     */
    static void stream(Vertx vertx, HttpServerResponse response, EmulatorReply reply, Consumer<Boolean> onEnd) {
        ConverseStreamWriter writer = new ConverseStreamWriter(vertx, response, reply, onEnd);
        writer.plan();
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/vnd.amazon.eventstream");
        response.closeHandler(closed -> writer.finish(false));
        writer.writeNext();
    }

    private void plan() {
        frames.add(event("messageStart", new JsonObject().put("role", "assistant")));
        Matcher words = CHUNK.matcher(reply.text());
        int chunks = 0;
        while (words.find()) {
            if (reply.streamFailure() != null && chunks == reply.streamFailure().afterChunks()) {
                frames.add(exception(reply.streamFailure()));
                return;
            }
            frames.add(event("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0)
                    .put("delta", new JsonObject().put("text", words.group()))));
            chunks++;
        }
        frames.add(event("contentBlockStop", new JsonObject().put("contentBlockIndex", 0)));
        frames.add(event("messageStop", new JsonObject().put("stopReason", reply.body().getString("stopReason"))));
        frames.add(event("metadata", new JsonObject().put("usage", reply.body().getJsonObject("usage"))
                .put("metrics", reply.body().getJsonObject("metrics"))));
    }

    private void writeNext() {
        if (ended) {
            return;
        }
        if (response.closed()) {
            finish(false);
            return;
        }
        if (next == frames.size()) {
            response.end();
            finish(true);
            return;
        }
        response.write(frames.get(next++));
        long delay = reply.chunkDelay().toMillis();
        if (delay > 0) {
            vertx.setTimer(delay, id -> writeNext());
        } else {
            vertx.runOnContext(nothing -> writeNext());
        }
    }

    private void finish(boolean completed) {
        if (!ended) {
            ended = true;
            onEnd.accept(completed);
        }
    }

    private static Buffer event(String type, JsonObject payload) {
        return frame("event", ":event-type", type, payload);
    }

    private static Buffer exception(EmulatorReply.StreamFailure failure) {
        return frame("exception", ":exception-type", failure.exceptionType(),
                new JsonObject().put("message", failure.message()));
    }

    /** One event-stream message: its kind, its type under the header that kind uses, and a JSON payload. */
    private static Buffer frame(String messageType, String typeHeader, String type, JsonObject payload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(typeHeader, type);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", messageType);
        return EventStreamFrame.encode(headers, payload.toBuffer().getBytes());
    }
}
