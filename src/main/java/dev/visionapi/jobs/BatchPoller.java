package dev.visionapi.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.visionapi.config.JobsConfig;
import dev.visionapi.jobs.batch.BatchJobs;
import dev.visionapi.jobs.batch.BatchJobStatus;
import dev.visionapi.jobs.batch.StagingFolders;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Drives the jobs on the bedrock-batch engine from the one replica that holds the {@link BatchLeader} lock, every
 * {@code jobs.batch.poll-interval} (and at once when a batch job is created here): stages queued jobs, creates the
 * Bedrock jobs of their parts, asks Bedrock for the state of each part ({@code GetModelInvocationJob}), stops the
 * parts of cancelled jobs, collects the output of parts that ended, and deletes the staged files of jobs that have
 * ended. Every step is safe to repeat, so a replica that takes over after another died simply goes on.
 */
@ApplicationScoped
public class BatchPoller {

    private static final Logger LOG = Logger.getLogger(BatchPoller.class);
    private static final int JOBS_PER_STEP = 10;
    private static final int PARTS_PER_STEP = 1000;
    private static final Duration RELEASE_DEADLINE = Duration.ofSeconds(5);
    // Bedrock refusals that will not change by trying again: the part's items fail.
    private static final Set<ProblemType> REFUSED = Set.of(ProblemType.BEDROCK_FAILED,
            ProblemType.BEDROCK_ACCESS_DENIED);

    private final JobDatabase database;
    private final BatchStore store;
    private final JobStore jobs;
    private final BatchSubmission submission;
    private final BatchCollection collection;
    private final BatchJobs bedrock;
    private final ResultsExport export;
    private final StagingFolders staging;
    private final Vertx vertx;
    private final Duration pollInterval;
    private final AtomicBoolean stepping = new AtomicBoolean();
    private volatile BatchLeader leader;
    private long timer = -1;

    BatchPoller(JobDatabase database, BatchStore store, JobStore jobs, BatchSubmission submission,
            BatchCollection collection, BatchJobs bedrock, ResultsExport export, StagingFolders staging, Vertx vertx,
            JobsConfig config) {
        this.database = database;
        this.store = store;
        this.jobs = jobs;
        this.submission = submission;
        this.collection = collection;
        this.bedrock = bedrock;
        this.export = export;
        this.staging = staging;
        this.vertx = vertx;
        this.pollInterval = config.batch().pollInterval();
    }

    void start(@Observes StartupEvent started) {
        if (!database.available() || !bedrock.configured()) {
            return;
        }
        leader = new BatchLeader(database.pool());
        timer = vertx.setPeriodic(pollInterval.toMillis(), id -> poll());
        LOG.infof("Batch poller started: Bedrock batch jobs are followed every %s by the replica holding the lock.",
                pollInterval);
    }

    /** Polls now: a batch job was just created. */
    public void nudge() {
        poll();
    }

    private void poll() {
        BatchLeader current = leader;
        if (current == null || !stepping.compareAndSet(false, true)) {
            return;
        }
        current.lead()
                .chain(leading -> leading ? step() : Uni.createFrom().voidItem())
                .onTermination().invoke(() -> stepping.set(false))
                .subscribe().with(done -> {
                }, failure -> LOG.warnf("Following the batch jobs failed: %s", failure.toString()));
    }

    /**
     * One round over the batch jobs. Only the leader runs it; running it twice at once (as two replicas would if the
     * lock failed) stores no result twice.
     */
    Uni<Void> step() {
        return store.queued(JOBS_PER_STEP).chain(queued -> each(queued, this::stage, job -> "staging job " + job.id()))
                .chain(() -> store.open(PARTS_PER_STEP))
                .chain(parts -> each(parts, this::follow, part -> "following Bedrock job " + part.jobName()))
                .chain(() -> store.stagingLeft(JOBS_PER_STEP))
                .chain(ended -> each(ended, this::deleteStaging, job -> "deleting the staged files of job " + job));
    }

    /**
     * Deletes an ended job's staged files. A failure never touches the job: it is tried again at the next polls, and
     * after {@link BatchStore#MAX_STAGING_DELETE_FAILURES} the files are left to the staging prefix's lifecycle rule.
     */
    private Uni<Void> deleteStaging(UUID jobId) {
        return staging.delete(jobId.toString())
                .chain(deleted -> store.stagingDeleted(jobId)
                        .invoke(() -> LOG.debugf("Batch job %s: %d staged files deleted.", jobId, deleted)))
                .onFailure(failure -> !(failure instanceof ProblemException
                        && ((ProblemException) failure).type() == ProblemType.JOBS_UNAVAILABLE))
                .recoverWithUni(failure -> store.stagingDeleteFailed(jobId).invoke(failures -> {
                    if (failures >= BatchStore.MAX_STAGING_DELETE_FAILURES) {
                        LOG.errorf("Batch job %s: its staged files could not be deleted %d times (%s); they are left "
                                + "to the staging prefix's S3 lifecycle rule.", jobId, failures, failure.toString());
                    } else {
                        LOG.warnf("Batch job %s: its staged files could not be deleted (%s); tried again at the next "
                                + "poll.", jobId, failure.toString());
                    }
                }).replaceWithVoid());
    }

    private Uni<Void> stage(BatchStore.QueuedJob job) {
        return submission.stage(job).chain(staged -> staged
                // All its items may have failed their preparation: then it has no part and is done already.
                ? jobs.completeIfDone(job.id())
                        .chain(done -> done ? export.write(job.id()) : Uni.createFrom().voidItem())
                : Uni.createFrom().voidItem());
    }

    private Uni<Void> follow(BatchStore.Part part) {
        if (part.arn() == null) {
            if (part.jobStatus() != JobStatus.RUNNING) {
                return collection.skip(part);
            }
            return submission.create(part).onFailure(ProblemException.class).recoverWithUni(failure -> {
                ProblemException problem = (ProblemException) failure;
                if (!REFUSED.contains(problem.type())) {
                    LOG.warnf("Batch job %s: Bedrock job %s not created yet (%s); tried again at the next poll.",
                            part.jobId(), part.jobName(), problem.getMessage());
                    return Uni.createFrom().voidItem();
                }
                return collection.refused(part, problem.type(), problem.getMessage());
            });
        }
        return bedrock.state(part.arn()).chain(state -> {
            if (state.status().ended()) {
                return collection.collect(part, state);
            }
            if (part.jobStatus() == JobStatus.CANCELLED && state.status() != BatchJobStatus.STOPPING) {
                return bedrock.stop(part.arn()).chain(stopping -> store.seen(part, stopping.status().wireName()));
            }
            return state.status().wireName().equals(part.status()) ? Uni.createFrom().voidItem()
                    : store.seen(part, state.status().wireName());
        });
    }

    /** {@code work} on each in turn; one that fails is logged ({@code named}, never with its prompt) and left. */
    private static <T> Uni<Void> each(List<T> all, Function<T, Uni<Void>> work, Function<T, String> named) {
        Uni<Void> done = Uni.createFrom().voidItem();
        for (T one : all) {
            done = done.chain(() -> work.apply(one).onFailure().recoverWithUni(failure -> {
                LOG.warnf("Batch jobs: %s failed; tried again at the next poll: %s", named.apply(one),
                        failure.toString());
                return Uni.createFrom().voidItem();
            }));
        }
        return done;
    }

    void stop(@Observes ShutdownEvent stopping) {
        BatchLeader current = leader;
        if (current == null) {
            return;
        }
        leader = null;
        vertx.cancelTimer(timer);
        try {
            // Shutdown, not a request: giving the lock up now lets another replica follow the jobs at once.
            current.release().await().atMost(RELEASE_DEADLINE);
        } catch (RuntimeException e) {
            LOG.warnf("The batch poller's lock was not released (it goes with its session): %s", e.toString());
        }
    }
}
