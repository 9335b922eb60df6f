package dev.visionapi.bedrock.emulator;

import java.time.Duration;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The emulator's default behaviour: an answer that describes what arrived, so a person trying the service without
 * AWS credentials sees at once that the text is synthetic and that the request was well formed. Structured requests
 * (a forced tool, native structured output, a JSON-only prompt) get JSON valid against their schema. Requests with a
 * cache point go through the emulated prompt cache, and their usage says what it read or wrote.
 */
public final class SyntheticAnswers implements BedrockEmulator.ConverseHandler {

    private static final int PROMPT_PREFIX = 200;

    private final Duration chunkDelay;
    private final PromptCache cache = new PromptCache();

    /** @param chunkDelay pause before each streamed word, so that streaming can be seen working */
    public SyntheticAnswers(Duration chunkDelay) {
        this.chunkDelay = chunkDelay;
    }

    @Override
    public Future<EmulatorReply> handle(ConverseCall call) {
        InputTokens input = InputTokens.of(call, cache);
        JsonObject tool = call.forcedTool();
        if (tool != null) {
            JsonObject arguments = (JsonObject) SchemaExample.of(tool.getJsonObject("inputSchema").getJsonObject("json"));
            return Future.succeededFuture(EmulatorReply.toolUse(tool.getString("name"), arguments, input.processed(),
                    arguments.encode().length() / 4 + 1).withCacheUsage(input.cacheRead(), input.cacheWrite()));
        }
        String prompt = call.prompt();
        String shown = prompt.length() > PROMPT_PREFIX ? prompt.substring(0, PROMPT_PREFIX) + "…" : prompt;
        JsonObject structured = call.structuredOutputSchema();
        JsonObject jsonOnly = structured != null ? structured : call.jsonOnlySchema();
        String text = jsonOnly != null ? ((JsonObject) SchemaExample.of(jsonOnly)).encode()
                : "[synthetic answer from the local Bedrock emulator] Model %s received %d image(s) and the prompt: %s"
                        .formatted(call.modelId(), call.imageCount(), shown);
        return Future.succeededFuture(EmulatorReply.answer(text, input.processed(), text.length() / 4 + 1)
                .withCacheUsage(input.cacheRead(), input.cacheWrite())
                .withChunkDelay(chunkDelay));
    }
}
