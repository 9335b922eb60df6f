package dev.visionapi.bedrock;

/** What the model answered, and the token usage exactly as Bedrock reported it. */
public record ModelAnswer(String text, String stopReason, TokenUsage usage) {

    /** Token counts from Converse's {@code usage}; a count Bedrock did not report is null. */
    public record TokenUsage(Integer inputTokens, Integer outputTokens, Integer totalTokens) {
    }
}
