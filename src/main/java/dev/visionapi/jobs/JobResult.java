package dev.visionapi.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.problem.ProblemType;

/**
 * One finished item: one line of a job's results (NDJSON). A succeeded item has {@code text}, {@code data} (structured
 * presets) and {@code usage}; a failed one its {@code problem}, as {@code /v1/analyses} would have answered.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"index", "source", "status", "text", "data", "usage", "problem"})
public record JobResult(int index, String source, String status, String text, JsonNode data, JsonNode usage,
        JsonNode problem) {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    /**
     * A succeeded item: the model's answer, its tokens (the prompt cache's only when Bedrock reported them) and what
     * they cost (null when unknown).
     */
    static JobResult succeeded(int index, String source, ModelAnswer answer, BigDecimal estimatedCostUsd) {
        ModelAnswer.TokenUsage tokens = answer.usage();
        ObjectNode usage = JsonNodeFactory.instance.objectNode();
        usage.put("inputTokens", tokens.inputTokens());
        usage.put("outputTokens", tokens.outputTokens());
        usage.put("totalTokens", tokens.totalTokens());
        if (tokens.cacheReadInputTokens() != null) {
            usage.put("cacheReadInputTokens", tokens.cacheReadInputTokens());
        }
        if (tokens.cacheWriteInputTokens() != null) {
            usage.put("cacheWriteInputTokens", tokens.cacheWriteInputTokens());
        }
        usage.put("estimatedCostUsd", estimatedCostUsd);
        JsonNode data = answer.data();
        return new JobResult(index, source, SUCCEEDED, answer.text(), data == null || data.isNull() ? null : data,
                usage, null);
    }

    /**
     * This succeeded item as one answered from the result cache: its usage (zero) gains {@code cachedUsage}, the usage
     * and cost of the call that made the answer, as {@code /v1/analyses} reports it.
     */
    JobResult servedFromCache(ModelAnswer.TokenUsage original, BigDecimal estimatedCostUsd) {
        ObjectNode cachedUsage = JsonNodeFactory.instance.objectNode();
        cachedUsage.put("inputTokens", original.inputTokens());
        cachedUsage.put("outputTokens", original.outputTokens());
        cachedUsage.put("totalTokens", original.totalTokens());
        cachedUsage.put("estimatedCostUsd", estimatedCostUsd);
        ObjectNode withCached = usage.deepCopy();
        withCached.put("cached", true);
        withCached.set("cachedUsage", cachedUsage);
        return new JobResult(index, source, status, text, data, withCached, problem);
    }

    /** A failed item with the problem {@code /v1/analyses} would have answered. */
    static JobResult failed(int index, String source, ProblemType type, String detail) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        return new JobResult(index, source, FAILED, null, null, null, body);
    }
}
