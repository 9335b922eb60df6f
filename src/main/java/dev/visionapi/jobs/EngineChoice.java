package dev.visionapi.jobs;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.config.JobsConfig;
import dev.visionapi.jobs.batch.BatchJobs;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.runtime.StartupEvent;

/**
 * The one place where a job's engine is chosen from what the client asked ({@code auto}, {@code on-demand} or
 * {@code bedrock-batch}), the job's size and its model. Batch needs {@code jobs.batch.staging} and
 * {@code jobs.batch.role-arn}, a model the catalogue marks {@code supportsBatch}, and at least Bedrock's minimum of
 * records per batch job ({@code jobs.batch.min-records-per-job}); {@code auto} takes it from
 * {@code jobs.batch.min-records} items on, and runs on demand otherwise.
 */
@ApplicationScoped
public class EngineChoice {

    private final BatchJobs batch;
    private final int minRecords;
    private final int minRecordsPerJob;
    private final int maxRecordsPerJob;

    EngineChoice(BatchJobs batch, JobsConfig config) {
        this.batch = batch;
        this.minRecords = config.batch().minRecords();
        this.minRecordsPerJob = config.batch().minRecordsPerJob();
        this.maxRecordsPerJob = config.batch().maxRecordsPerJob();
    }

    /**
     * Refuses to start with batch limits that contradict each other: {@code auto} must never choose batch for a job
     * Bedrock would refuse, and a file may not need more records than it may hold.
     */
    void check(@Observes StartupEvent started) {
        if (batch.configured()) {
            contradiction(minRecords, minRecordsPerJob, maxRecordsPerJob).ifPresent(problem -> {
                throw new IllegalStateException(problem);
            });
        }
    }

    /** What contradicts what among the batch engine's record limits, if anything. */
    static Optional<String> contradiction(int minRecords, int minRecordsPerJob, int maxRecordsPerJob) {
        if (minRecords < minRecordsPerJob) {
            return Optional.of(("jobs.batch.min-records (%d) is below jobs.batch.min-records-per-job (%d), Bedrock's "
                    + "minimum per batch job: set it to %2$d or more.").formatted(minRecords, minRecordsPerJob));
        }
        if (maxRecordsPerJob < minRecordsPerJob) {
            return Optional.of(("jobs.batch.max-records-per-job (%d) is below jobs.batch.min-records-per-job (%d): "
                    + "no input file could be a Bedrock job.").formatted(maxRecordsPerJob, minRecordsPerJob));
        }
        return Optional.empty();
    }

    /** The engine for a job of {@code items} items on {@code model}; a 400 naming {@code engine} when none fits. */
    public Engine choose(String requested, int items, ModelProfile model) {
        String engine = requested == null || requested.isBlank() ? "auto" : requested;
        return switch (engine) {
            case "on-demand" -> Engine.ON_DEMAND;
            case "auto" -> items >= minRecords && model.supportsBatch() && batch.configured() ? Engine.BEDROCK_BATCH
                    : Engine.ON_DEMAND;
            case "bedrock-batch" -> {
                if (!batch.configured()) {
                    throw new ProblemException(ProblemType.INVALID_REQUEST, "'engine': the batch engine is not "
                            + "configured on this instance (jobs.batch.staging and jobs.batch.role-arn); use "
                            + "'on-demand' or 'auto'.");
                }
                if (!model.supportsBatch()) {
                    throw new ProblemException(ProblemType.INVALID_REQUEST, "'engine': model '%s' does not run on "
                            .formatted(model.id()) + "Bedrock batch inference (GET /v1/models says which do); use "
                            + "'on-demand' or 'auto'.");
                }
                if (items < minRecordsPerJob) {
                    throw new ProblemException(ProblemType.INVALID_REQUEST, ("'engine': Bedrock batch inference takes "
                            + "jobs of %d images or more (jobs.batch.min-records-per-job), and this job has %d; use "
                            + "'auto' or 'on-demand'.").formatted(minRecordsPerJob, items));
                }
                yield Engine.BEDROCK_BATCH;
            }
            default -> throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "'engine' must be one of 'auto', 'on-demand' and 'bedrock-batch'.");
        };
    }
}
