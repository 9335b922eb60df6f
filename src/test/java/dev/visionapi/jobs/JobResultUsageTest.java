package dev.visionapi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.bedrock.ModelAnswer;

/** A succeeded item's usage: Bedrock's counts, the prompt cache's only when Bedrock reported them. */
class JobResultUsageTest {

    @Test
    void cacheTokensAreAddedWhenBedrockReportedThem() {
        JsonNode usage = JobResult.succeeded(0, "s3://b/k.png", answer(new ModelAnswer.TokenUsage(12, 30, 1_482, 1_440,
                0)), new BigDecimal("0.000918")).usage();

        assertThat(usage.get("inputTokens").asInt()).isEqualTo(12);
        assertThat(usage.get("cacheReadInputTokens").asInt()).isEqualTo(1_440);
        assertThat(usage.get("cacheWriteInputTokens").asInt()).isZero();
        assertThat(usage.get("estimatedCostUsd").decimalValue()).isEqualByComparingTo("0.000918");
    }

    @Test
    void usageWithoutCacheTokensKeepsItsShape() {
        JsonNode usage = JobResult.succeeded(0, "s3://b/k.png", answer(new ModelAnswer.TokenUsage(1_500, 30, 1_530,
                null, null)), new BigDecimal("0.00495")).usage();

        assertThat(usage.fieldNames()).toIterable()
                .containsExactly("inputTokens", "outputTokens", "totalTokens", "estimatedCostUsd");
    }

    private static ModelAnswer answer(ModelAnswer.TokenUsage usage) {
        return new ModelAnswer("A cat.", null, "end_turn", usage);
    }
}
