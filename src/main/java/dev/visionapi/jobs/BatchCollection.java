package dev.visionapi.jobs;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.analysis.AnalysisRequest;
import dev.visionapi.analysis.Instruction;
import dev.visionapi.analysis.PromptResolver;
import dev.visionapi.bedrock.ModelCatalog;
import dev.visionapi.jobs.batch.BatchInputFile;
import dev.visionapi.jobs.batch.BatchJobState;
import dev.visionapi.jobs.batch.BatchJobStatus;
import dev.visionapi.jobs.batch.BatchOutcome;
import dev.visionapi.jobs.batch.BatchOutputReader;
import dev.visionapi.jobs.batch.ExpectedAnswer;
import dev.visionapi.problem.ProblemType;
import io.smallrye.mutiny.Uni;

/**
 * Stores what an ended Bedrock job of a part answered: one result per item of its input file, an answer (usage at
 * batch prices) or a failure with its problem; items Bedrock left unanswered (job {@code Failed},
 * {@code PartiallyCompleted}, {@code Expired}) fail. Of a cancelled job, or a part {@code Stopped}, only the answers
 * are kept: the items not run stay without result, and the job is cancelled. When the job has nothing left, it
 * completes, and its results file is written.
 */
@ApplicationScoped
class BatchCollection {

    private static final Logger LOG = Logger.getLogger(BatchCollection.class);
    // Results per INSERT: a round trip per few hundred items.
    private static final int CHUNK = 500;

    private final BatchStore store;
    private final JobStore jobs;
    private final BatchOutputReader reader;
    private final PromptResolver prompts;
    private final ModelCatalog models;
    private final ResultsExport export;

    BatchCollection(BatchStore store, JobStore jobs, BatchOutputReader reader, PromptResolver prompts,
            ModelCatalog models, ResultsExport export) {
        this.store = store;
        this.jobs = jobs;
        this.reader = reader;
        this.prompts = prompts;
        this.models = models;
        this.export = export;
    }

    /** Collects the output of the part's ended Bedrock job. */
    Uni<Void> collect(BatchStore.Part part, BatchJobState ended) {
        if (ended.status() != BatchJobStatus.COMPLETED && ended.message() != null) {
            LOG.warnf("Batch job %s: Bedrock job %s ended %s: %s", part.jobId(), part.jobName(),
                    ended.status().wireName(), ended.message());
        }
        boolean stopped = part.jobStatus() == JobStatus.CANCELLED || ended.status() == BatchJobStatus.STOPPED;
        ExpectedAnswer expected = expected(part);
        return store.indexes(part)
                .chain(indexes -> reader.read(ended, new BatchInputFile(part.inputUri(), part.outputUri(), indexes, 0),
                                expected)
                        .filter(outcome -> !stopped || outcome instanceof BatchOutcome.Succeeded)
                        .map(BatchCollection::result)
                        .group().intoLists().of(CHUNK)
                        .onItem().transformToUniAndConcatenate(results -> store.store(part.jobId(), results))
                        .collect().last())
                .chain(() -> store.collected(part, ended.status().wireName()))
                .chain(() -> ended.status() == BatchJobStatus.STOPPED ? store.cancel(part.jobId())
                        : Uni.createFrom().item(false))
                .chain(cancelledNow -> settle(part, cancelledNow));
    }

    /** The part could not be submitted (Bedrock refused it): its items fail with that problem. */
    Uni<Void> refused(BatchStore.Part part, ProblemType type, String detail) {
        return store.indexes(part)
                .chain(indexes -> {
                    List<JobResult> results = indexes.stream()
                            .map(index -> JobResult.failed(index.intValue(), null, type, detail)).toList();
                    Uni<Void> stored = Uni.createFrom().voidItem();
                    for (int from = 0; from < results.size(); from += CHUNK) {
                        List<JobResult> chunk = results.subList(from, Math.min(results.size(), from + CHUNK));
                        stored = stored.chain(() -> store.store(part.jobId(), chunk));
                    }
                    return stored;
                })
                .chain(() -> store.collected(part, "Refused"))
                .chain(() -> settle(part, false));
    }

    /** A part of a cancelled job that was never submitted: nothing to collect. */
    Uni<Void> skip(BatchStore.Part part) {
        return store.collected(part, "NotSubmitted").chain(() -> settle(part, false));
    }

    /**
     * Completes the job when nothing is left; writes the results file when it ended here.
     *
     * @param cancelledNow whether the job was just cancelled because Bedrock stopped the part
     */
    private Uni<Void> settle(BatchStore.Part part, boolean cancelledNow) {
        boolean cancelled = cancelledNow || part.jobStatus() == JobStatus.CANCELLED;
        return jobs.completeIfDone(part.jobId())
                .chain(completed -> completed ? Uni.createFrom().item(true)
                        // A cancelled job's file was written at the cancel; it is written again with what came since.
                        : store.allCollected(part.jobId()).map(done -> done && cancelled))
                .chain(write -> write ? export.write(part.jobId()) : Uni.createFrom().voidItem());
    }

    private ExpectedAnswer expected(BatchStore.Part part) {
        JobSpec spec = part.spec();
        Instruction instruction = prompts.resolve(new AnalysisRequest(List.of(), spec.presetId(), spec.promptText(),
                Optional.of(part.model()), Optional.empty(), Optional.empty(), spec.parameters()));
        return new ExpectedAnswer(models.select(Optional.of(part.model())), instruction.schema(),
                instruction.textTemplate().orElse(null));
    }

    private static JobResult result(BatchOutcome outcome) {
        int index = (int) outcome.index();
        if (outcome instanceof BatchOutcome.Succeeded succeeded) {
            return JobResult.succeeded(index, null, succeeded.answer(), succeeded.estimatedCostUsd());
        }
        BatchOutcome.Failed failed = (BatchOutcome.Failed) outcome;
        return JobResult.failed(index, null, failed.type(), failed.detail());
    }
}
