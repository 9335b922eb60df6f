package dev.visionapi.bedrock;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the model answered, and the token usage exactly as Bedrock reported it.
 *
 * @param data for structured calls, the answer's JSON (the forced tool call's input, or the JSON the text holds);
 *        null when there is none
 */
public record ModelAnswer(String text, JsonNode data, String stopReason, TokenUsage usage) {

    /**
     * Token counts from Converse's {@code usage}; a count Bedrock did not report is null. Bedrock's
     * {@code inputTokens} excludes the tokens read from or written to the prompt cache, which it counts apart.
     */
    public record TokenUsage(Integer inputTokens, Integer outputTokens, Integer totalTokens,
            Integer cacheReadInputTokens, Integer cacheWriteInputTokens) {
    }
}
