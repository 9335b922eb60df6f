package dev.visionapi.jobs;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A job as it stands: its items' counts and usage are derived from its results when it is read. */
public record Job(UUID id, JobStatus status, Engine engine, String model, JobSpec spec, Counts counts, Usage usage,
        OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt) {

    /** Items by outcome; {@code pending} are those not finished yet (of a cancelled job: those never run). */
    public record Counts(int total, int succeeded, int failed, int pending) {
    }

    /** Tokens of the finished items and what they cost at the model's list price (null when it has none). */
    public record Usage(long inputTokens, long outputTokens, BigDecimal estimatedCostUsd) {
    }
}
