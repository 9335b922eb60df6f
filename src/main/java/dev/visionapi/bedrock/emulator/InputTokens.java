package dev.visionapi.bedrock.emulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The input tokens of one call as Bedrock counts them: those the model processed ({@code inputTokens}), and those read
 * from or written to the prompt cache, which Bedrock reports apart and leaves out of {@code inputTokens}.
 *
 * @param cacheRead null, as {@code cacheWrite}, when the call has no cache point; 0 when its prefix was too short
 */
record InputTokens(int processed, Integer cacheRead, Integer cacheWrite) {

    // Anthropic's rule of thumb for image tokens is pixels / 750; an image read from S3 (never fetched) or one whose
    // header the emulator cannot read is taken as ~1 MP.
    private static final double PIXELS_PER_TOKEN = 750.0;
    private static final int ASSUMED_IMAGE_TOKENS = 1_334;
    private static final int CHARACTERS_PER_TOKEN = 4;

    /** The call's tokens; a cache point's prefix is looked up in (or added to) the cache when it is long enough. */
    static InputTokens of(ConverseCall call, PromptCache cache) {
        JsonObject tools = call.body().getJsonObject("toolConfig");
        int preamble = text(call.system()) + (tools == null ? 0 : text(tools.encode()));
        JsonArray content = call.content();
        int cachePoint = call.cachePointIndex();
        int prefix = preamble;
        int rest = 1;
        for (int i = 0; i < content.size(); i++) {
            int tokens = block(content.getJsonObject(i));
            if (i < cachePoint) {
                prefix += tokens;
            } else {
                rest += tokens;
            }
        }
        if (cachePoint < 0) {
            return new InputTokens(prefix + rest, null, null);
        }
        // Bedrock caches nothing, without failing, for a prefix shorter than the model's minimum.
        int minimum = ModelFeatures.cacheMinimum(call.modelId()).orElse(Integer.MAX_VALUE);
        if (prefix < minimum) {
            return new InputTokens(prefix + rest, 0, 0);
        }
        return cache.read(call) ? new InputTokens(rest, prefix, 0) : new InputTokens(rest, 0, prefix);
    }

    private static int block(JsonObject block) {
        if (block.containsKey("image")) {
            return image(block.getJsonObject("image"));
        }
        return block.containsKey("text") ? text(block.getString("text")) : 0;
    }

    private static int text(String text) {
        return text.length() / CHARACTERS_PER_TOKEN;
    }

    /** Width × height / 750 from the image's header; the pixels are never decoded. */
    private static int image(JsonObject image) {
        String bytes = image.getJsonObject("source", new JsonObject()).getString("bytes");
        if (bytes == null) {
            return ASSUMED_IMAGE_TOKENS;
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(
                new ByteArrayInputStream(Base64.getDecoder().decode(bytes)))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return ASSUMED_IMAGE_TOKENS;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return (int) Math.round((double) reader.getWidth(0) * reader.getHeight(0) / PIXELS_PER_TOKEN);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return ASSUMED_IMAGE_TOKENS;
        }
    }
}
