package dev.visionapi.bedrock.emulator;

import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * What the emulated Bedrock lets each model do beyond plain Converse, as AWS documents it: prompt caching (with its
 * minimum tokens per cache checkpoint) and native structured output ({@code outputConfig}). Kept apart from the
 * service's catalogue on purpose: the emulator plays Bedrock, which does not read the service's {@code models.json}.
 */
final class ModelFeatures {

    private static final Pattern CACHE_4096 = Pattern.compile("(^|\\.)anthropic\\.claude-(haiku-4-5|opus-4-5)");
    private static final Pattern CACHE_2048 = Pattern.compile("(^|\\.)anthropic\\.claude-3-5-haiku");
    private static final Pattern CACHE_1024 = Pattern.compile("(^|\\.)anthropic\\.claude-(3-7-sonnet|sonnet-4|opus-4)");
    private static final Pattern CACHE_1000 = Pattern.compile("(^|\\.)amazon\\.nova-(micro|lite|pro|premier)-");
    private static final Pattern OUTPUT_CONFIG = Pattern.compile(
            "(^|\\.)anthropic\\.claude-(sonnet-4-5|haiku-4-5|opus-4-5|opus-4-6|sonnet-4-6)");

    private ModelFeatures() {
    }

    /** The fewest tokens a prefix needs for Bedrock to cache it; empty when the model has no prompt caching. */
    static OptionalInt cacheMinimum(String modelId) {
        if (CACHE_4096.matcher(modelId).find()) {
            return OptionalInt.of(4_096);
        }
        if (CACHE_2048.matcher(modelId).find()) {
            return OptionalInt.of(2_048);
        }
        if (CACHE_1024.matcher(modelId).find()) {
            return OptionalInt.of(1_024);
        }
        return CACHE_1000.matcher(modelId).find() ? OptionalInt.of(1_000) : OptionalInt.empty();
    }

    /** Whether the model takes Converse's native structured output ({@code outputConfig.textFormat}). */
    static boolean takesOutputConfig(String modelId) {
        return OUTPUT_CONFIG.matcher(modelId).find();
    }
}
