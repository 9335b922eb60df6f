package dev.visionapi.jobs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.analysis.AnalysisRequest;
import dev.visionapi.analysis.AnalysisService;
import dev.visionapi.bedrock.ModelCatalog;
import dev.visionapi.config.JobsConfig;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.jobs.batch.BatchInputFile;
import dev.visionapi.jobs.batch.BatchInputWriter;
import dev.visionapi.jobs.batch.BatchItem;
import dev.visionapi.jobs.batch.BatchJobs;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Starts a batch job in two steps, each safe to repeat after a crash. Staging: every pending item is fetched and
 * prepared as for {@code /v1/analyses}, a failed preparation becomes a failed result at once, the rest are streamed as
 * records into balanced input files under {@code jobs.batch.staging/<jobId>/} (the same keys on every try), and the
 * files are recorded as the job's parts in the transaction that makes it running. A file with fewer records than
 * Bedrock takes in a job ({@code jobs.batch.min-records-per-job}) is no part: its items run on demand, and the file goes
 * with the job's other staged files when the job ends. Creation: one Bedrock job per part, named {@code <jobId>-p00001};
 * the name is its idempotency token, so a part created before a crash is not created twice.
 */
@ApplicationScoped
class BatchSubmission {

    private static final Logger LOG = Logger.getLogger(BatchSubmission.class);
    private static final int PAGE = 500;
    // Items fetched and prepared at once: bounds the images held in memory while the writer uploads.
    private static final int PREPARING = 4;

    private final BatchStore store;
    private final ItemAnalysis items;
    private final AnalysisService analyses;
    private final BatchInputWriter writer;
    private final BatchJobs bedrock;
    private final ModelCatalog models;
    private final JobWorkers workers;
    private final int minRecordsPerJob;

    BatchSubmission(BatchStore store, ItemAnalysis items, AnalysisService analyses, BatchInputWriter writer,
            BatchJobs bedrock, ModelCatalog models, JobWorkers workers, JobsConfig config) {
        this.store = store;
        this.items = items;
        this.analyses = analyses;
        this.writer = writer;
        this.bedrock = bedrock;
        this.models = models;
        this.workers = workers;
        this.minRecordsPerJob = config.batch().minRecordsPerJob();
    }

    /** Stages the job's input files and records them; true when the job is running on Bedrock batch now. */
    Uni<Boolean> stage(BatchStore.QueuedJob job) {
        // A few items prepared at once, written in index order: every try writes the same files.
        Multi<BatchItem> records = pending(job).group().intoLists().of(PREPARING)
                .onItem().transformToUniAndConcatenate(window -> Uni.join()
                        .all(window.stream().map(item -> prepare(job, item)).toList()).andFailFast())
                .onItem().transformToIterable(prepared -> prepared.stream().filter(Objects::nonNull).toList());
        return store.pendingCount(job.id())
                .chain(expected -> writer.write(job.id().toString(), expected, records))
                .chain(files -> {
                    List<BatchInputFile> parts = files.stream()
                            .filter(file -> file.indexes().size() >= minRecordsPerJob).toList();
                    List<Long> onDemand = files.stream().filter(file -> file.indexes().size() < minRecordsPerJob)
                            .flatMap(file -> file.indexes().stream()).toList();
                    return store.staged(job.id(), parts, onDemand).invoke(staged -> {
                        if (!staged) {
                            return;
                        }
                        LOG.infof("Batch job %s: %d items staged in %d input files.", job.id(),
                                parts.stream().mapToInt(file -> file.indexes().size()).sum(), parts.size());
                        if (!onDemand.isEmpty()) {
                            LOG.infof("Batch job %s: %d items run on demand, their file having fewer records than "
                                    + "Bedrock's minimum per job (%d).", job.id(), onDemand.size(), minRecordsPerJob);
                            workers.nudge();
                        }
                    });
                })
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("Batch job %s could not be staged: %s", job.id(), failure.toString());
                    return store.submissionFailed(job.id()).invoke(failed -> {
                        if (failed) {
                            LOG.errorf("Batch job %s failed: its input could not be staged %d times.", job.id(),
                                    BatchStore.MAX_SUBMIT_ATTEMPTS);
                        }
                    }).replaceWith(false);
                });
    }

    /** Creates the part's Bedrock job (or finds the one created before) and records its ARN. */
    Uni<Void> create(BatchStore.Part part) {
        BatchInputFile input = new BatchInputFile(part.inputUri(),
                part.outputUri(), List.of(), 0);
        return bedrock.create(part.jobName(), models.select(Optional.of(part.model())), input)
                .chain(arn -> store.created(part, arn))
                .invoke(() -> LOG.infof("Batch job %s: Bedrock job %s created.", part.jobId(), part.jobName()));
    }

    /** The job's pending items in index order, a page at a time. */
    private Multi<BatchStore.Item> pending(BatchStore.QueuedJob job) {
        int[] last = {-1};
        return Multi.createBy().repeating()
                .uni(() -> store.pending(job.id(), last[0], PAGE).invoke(page -> {
                    if (!page.isEmpty()) {
                        last[0] = page.get(page.size() - 1).index();
                    }
                }))
                .until(List::isEmpty)
                .onItem().disjoint();
    }

    /** The item as a record; null (nothing to write) when it failed, its failure stored as its result. */
    private Uni<BatchItem> prepare(BatchStore.QueuedJob job, BatchStore.Item item) {
        JobSpec spec = job.spec();
        return items.image(item.source())
                // Decoding and scaling images is CPU work: on a worker, not on the S3 client's or an event loop thread.
                .chain(image -> Uni.createFrom().item(() -> analyses.prepare(request(job, spec, image),
                        "job " + job.id())).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .map(prepared -> new BatchItem(item.index(), prepared.call()))
                .onFailure().recoverWithUni(failure -> store.store(job.id(), List.of(failed(job, item, failure)))
                        .replaceWith((BatchItem) null));
    }

    private static AnalysisRequest request(BatchStore.QueuedJob job, JobSpec spec, ImageUpload image) {
        return new AnalysisRequest(List.of(image), spec.presetId(), spec.promptText(), Optional.of(job.model()),
                Optional.empty(), Optional.empty(), spec.parameters());
    }

    private static JobResult failed(BatchStore.QueuedJob job, BatchStore.Item item, Throwable failure) {
        if (failure instanceof ProblemException problem) {
            return JobResult.failed(item.index(), item.source(), problem.type(), problem.getMessage());
        }
        LOG.errorf(failure, "Item %d of batch job %s failed unexpectedly", item.index(), job.id());
        return JobResult.failed(item.index(), item.source(), ProblemType.INTERNAL_ERROR,
                "The item failed unexpectedly.");
    }
}
