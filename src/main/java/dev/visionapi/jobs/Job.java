package dev.visionapi.jobs;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A job as it stands: its items' counts and usage are derived from its results when it is read.
 *
 * @param engine null until chosen: a job over an S3 prefix gets its engine once the prefix is listed
 * @param problem why the job could not run, when it failed; else null
 */
public record Job(UUID id, JobStatus status, Engine engine, String model, JobSpec spec, Counts counts, Usage usage,
        OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt, Problem problem) {

    /** Items by outcome; {@code pending} are those not finished yet (of a cancelled job: those never run). */
    public record Counts(int total, int succeeded, int failed, int pending) {
    }

    /**
     * Tokens of the finished items (those read from and written to Bedrock's prompt cache apart) and what they cost at
     * the model's list price (null when it has none).
     */
    public record Usage(long inputTokens, long outputTokens, long cacheReadInputTokens, long cacheWriteInputTokens,
            BigDecimal estimatedCostUsd) {
    }

    /** The problem a failed job could not run for, shaped as a result's: its type URI, title, HTTP status, detail. */
    public record Problem(String type, String title, int status, String detail) {
    }
}
