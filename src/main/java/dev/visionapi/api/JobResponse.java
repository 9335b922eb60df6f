package dev.visionapi.api;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.visionapi.jobs.Job;

/** A job as {@code /v1/jobs} answers it. */
@Schema(name = "Job")
public record JobResponse(
        @Schema(description = "Identifier of the job") String id,
        @Schema(description = "queued, running, completed, cancelled, or failed (the job itself could not run)",
                enumeration = {"queued", "running", "completed", "cancelled", "failed"}) String status,
        @Schema(description = "The engine that runs the job; null until it is chosen, once the prefix is listed "
                + "(and for a job that failed before)", enumeration = {"on-demand", "bedrock-batch"}, nullable = true)
        String engine,
        @Schema(description = "Model or inference profile the images are analysed with") String model,
        @Schema(description = "Preset used, or null for a custom prompt", nullable = true) String preset,
        @Schema(description = "Items (images) by outcome") Counts counts,
        @Schema(description = "Tokens of the finished items and their estimated cost (at batch prices for a "
                + "bedrock-batch job)") JobUsage usage,
        @Schema(description = "When the job was created") OffsetDateTime createdAt,
        @Schema(description = "When its first item was taken up", nullable = true) OffsetDateTime startedAt,
        @Schema(description = "When it completed, was cancelled or failed", nullable = true) OffsetDateTime finishedAt,
        @Schema(description = "Where the results file is written when the job ends (not when it failed)",
                nullable = true)
        String outputS3Prefix,
        @Schema(description = "Why the job could not run, when its status is failed (e.g. its prefix holds no image "
                + "or more than jobs.max-items, or S3 refused the listing): the problem object a result or POST "
                + "/v1/analyses would carry; null otherwise", nullable = true)
        Problem problem) {

    static JobResponse from(Job job) {
        Job.Problem problem = job.problem();
        return new JobResponse(job.id().toString(), job.status().wire(),
                job.engine() == null ? null : job.engine().wire(), job.model(),
                job.spec().preset(), new Counts(job.counts().total(), job.counts().succeeded(), job.counts().failed(),
                        job.counts().pending()),
                new JobUsage(job.usage().inputTokens(), job.usage().outputTokens(), job.usage().estimatedCostUsd(),
                        job.usage().cacheReadInputTokens(), job.usage().cacheWriteInputTokens()),
                job.createdAt(), job.startedAt(), job.finishedAt(), job.spec().outputPrefix(),
                problem == null ? null : new Problem(problem.type(), problem.title(), problem.status(),
                        problem.detail(), null, null));
    }

    /** Items by outcome. */
    @Schema(name = "JobCounts")
    public record Counts(
            @Schema(description = "Items in the job; of a job over a prefix, those listed so far (it grows while "
                    + "engine is null)") int total,
            @Schema(description = "Items analysed") int succeeded,
            @Schema(description = "Items that failed; their results carry the problem") int failed,
            @Schema(description = "Items not finished yet; of a cancelled job, those never run") int pending) {
    }

    /** Token usage so far. */
    @Schema(name = "JobUsage")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobUsage(
            @Schema(description = "Input tokens of the finished items") long inputTokens,
            @Schema(description = "Output tokens of the finished items") long outputTokens,
            @Schema(description = "Estimated cost in USD at the model's list price; absent when it has no price",
                    nullable = true, examples = "0.4896") BigDecimal estimatedCostUsd,
            @Schema(description = "Input tokens the finished items read from Bedrock's prompt cache")
            long cacheReadInputTokens,
            @Schema(description = "Input tokens the finished items wrote to Bedrock's prompt cache")
            long cacheWriteInputTokens) {
    }
}
