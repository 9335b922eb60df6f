package dev.visionapi.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Tokens and their estimated cost, as one answer reported them or summed over many. The prompt cache's counts are null
 * when Bedrock never reported them; a count or price that was unknown counts as 0.
 */
public record TokenCounts(long inputTokens, long outputTokens, Long cacheReadInputTokens, Long cacheWriteInputTokens,
        BigDecimal costUsd) {

    /** The ledger's precision: a millionth of a dollar, as the analyses' estimates. */
    static final int COST_SCALE = 6;

    public static final TokenCounts ZERO = new TokenCounts(0, 0, null, null, BigDecimal.ZERO.setScale(COST_SCALE));

    public TokenCounts {
        costUsd = (costUsd == null ? BigDecimal.ZERO : costUsd).setScale(COST_SCALE, RoundingMode.HALF_UP);
    }

    /** An answer's counts as its response carries them (null: not reported). */
    public static TokenCounts of(Integer inputTokens, Integer outputTokens, Integer cacheReadInputTokens,
            Integer cacheWriteInputTokens, BigDecimal costUsd) {
        return new TokenCounts(orZero(inputTokens), orZero(outputTokens), widened(cacheReadInputTokens),
                widened(cacheWriteInputTokens), costUsd);
    }

    /** The counts of a job result's {@code usage} object (the names of {@code /v1/analyses}' usage). */
    public static TokenCounts of(JsonNode usage) {
        return new TokenCounts(usage.path("inputTokens").asLong(0), usage.path("outputTokens").asLong(0),
                count(usage, "cacheReadInputTokens"), count(usage, "cacheWriteInputTokens"),
                usage.path("estimatedCostUsd").isNumber() ? usage.path("estimatedCostUsd").decimalValue() : null);
    }

    public TokenCounts plus(TokenCounts other) {
        return new TokenCounts(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                sum(cacheReadInputTokens, other.cacheReadInputTokens),
                sum(cacheWriteInputTokens, other.cacheWriteInputTokens), costUsd.add(other.costUsd));
    }

    /** A sum of counts some of which may never have been reported: null only when neither was. */
    static Long sum(Long a, Long b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Long.valueOf(a + b);
    }

    private static long orZero(Integer count) {
        return count == null ? 0 : count;
    }

    private static Long widened(Integer count) {
        return count == null ? null : count.longValue();
    }

    private static Long count(JsonNode usage, String name) {
        JsonNode value = usage.path(name);
        return value.isNumber() ? value.asLong() : null;
    }
}
