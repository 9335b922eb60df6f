package dev.visionapi.bedrock.emulator;

import java.time.Duration;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The emulator's default behaviour: an answer that describes what arrived, so a person trying the service without
 * AWS credentials sees at once that the text is synthetic and that the request was well formed.
 */
public final class SyntheticAnswers implements BedrockEmulator.ConverseHandler {

    private static final int PROMPT_PREFIX = 200;

    private final Duration chunkDelay;

    /** @param chunkDelay pause before each streamed word, so that streaming can be seen working */
    public SyntheticAnswers(Duration chunkDelay) {
        this.chunkDelay = chunkDelay;
    }
    // Anthropic's rule of thumb for image tokens is pixels / 750; the emulator does not decode, so it assumes ~1 MP.
    private static final int TOKENS_PER_IMAGE = 1_334;

    private static int inputTokens(ConverseCall call) {
        return call.prompt().length() / 4 + 1 + (int) call.imageCount() * TOKENS_PER_IMAGE;
    }

    @Override
    public Future<EmulatorReply> handle(ConverseCall call) {
        JsonObject tool = call.forcedTool();
        if (tool != null) {
            JsonObject input = (JsonObject) SchemaExample.of(tool.getJsonObject("inputSchema").getJsonObject("json"));
            return Future.succeededFuture(EmulatorReply.toolUse(tool.getString("name"), input, inputTokens(call),
                    input.encode().length() / 4 + 1));
        }
        String prompt = call.prompt();
        String shown = prompt.length() > PROMPT_PREFIX ? prompt.substring(0, PROMPT_PREFIX) + "…" : prompt;
        JsonObject structured = call.structuredOutputSchema();
        JsonObject jsonOnly = structured != null ? structured : call.jsonOnlySchema();
        String text = jsonOnly != null ? ((JsonObject) SchemaExample.of(jsonOnly)).encode()
                : "[synthetic answer from the local Bedrock emulator] Model %s received %d image(s) and the prompt: %s"
                        .formatted(call.modelId(), call.imageCount(), shown);
        return Future.succeededFuture(EmulatorReply.answer(text, inputTokens(call), text.length() / 4 + 1)
                .withChunkDelay(chunkDelay));
    }
}
