package dev.visionapi.bedrock.emulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Bedrock's prompt cache as the emulator plays it: per model, the prefixes of requests up to a {@code cachePoint} (the
 * tools, the system prompt, then the message blocks before the cache point), each kept for five minutes after its last
 * use, as Bedrock's default cache TTL. Bounded, the least recently used prefix out first.
 */
final class PromptCache {

    static final Duration TTL = Duration.ofMinutes(5);
    private static final int MAX_ENTRIES = 1_000;

    private final LongSupplier nanoClock;
    private final Map<String, Long> expiries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    PromptCache() {
        this(System::nanoTime);
    }

    PromptCache(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Whether the call's prefix up to its cache point was cached (a read), or not and is cached now (a write); either
     * way it is kept for another {@link #TTL}.
     */
    synchronized boolean read(ConverseCall call) {
        String key = key(call);
        long now = nanoClock.getAsLong();
        Long expiry = expiries.get(key);
        boolean cached = expiry != null && expiry - now > 0;
        expiries.put(key, now + TTL.toNanos());
        return cached;
    }

    /** A hash of the model and everything before the call's cache point, in the order Bedrock reads the prompt. */
    private static String key(ConverseCall call) {
        JsonArray content = call.content();
        JsonArray prefix = new JsonArray();
        for (int i = 0; i < call.cachePointIndex(); i++) {
            prefix.add(content.getValue(i));
        }
        JsonObject tools = call.body().getJsonObject("toolConfig");
        JsonArray system = call.body().getJsonArray("system");
        String whole = call.modelId() + '\n' + (tools == null ? "" : tools.encode()) + '\n'
                + (system == null ? "" : system.encode()) + '\n' + prefix.encode();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(whole.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
