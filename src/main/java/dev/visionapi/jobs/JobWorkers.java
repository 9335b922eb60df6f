package dev.visionapi.jobs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.visionapi.config.JobsConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * This replica's workers of on-demand jobs: they claim items (at most {@code jobs.workers.concurrency} in flight),
 * analyse them and store their results, looking for work every {@code jobs.workers.poll-interval} when idle, at once
 * when a job is created here, and whenever an item finishes. At shutdown they stop claiming, let the items in flight
 * finish within the shutdown timeout, and give back the rest.
 */
@ApplicationScoped
public class JobWorkers {

    private static final Logger LOG = Logger.getLogger(JobWorkers.class);
    private static final Duration RELEASE_DEADLINE = Duration.ofSeconds(5);

    private final JobStore store;
    private final ItemAnalysis analysis;
    private final ModelBackoff backoff;
    private final ResultsExport export;
    private final JobDatabase database;
    private final Vertx vertx;
    private final int concurrency;
    private final Duration lease;
    private final Duration pollInterval;
    private final Duration shutdownTimeout;
    private final String replica = replicaName();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private volatile boolean running;
    private long timer = -1;
    private long sweeper = -1;

    JobWorkers(JobStore store, ItemAnalysis analysis, ModelBackoff backoff, ResultsExport export,
            JobDatabase database, Vertx vertx, JobsConfig config,
            @ConfigProperty(name = "quarkus.shutdown.timeout") java.util.Optional<Duration> shutdownTimeout) {
        this.store = store;
        this.analysis = analysis;
        this.backoff = backoff;
        this.export = export;
        this.database = database;
        this.vertx = vertx;
        this.concurrency = config.workers().concurrency();
        this.lease = config.lease();
        this.pollInterval = config.workers().pollInterval();
        this.shutdownTimeout = shutdownTimeout.orElse(Duration.ofSeconds(10));
    }

    void start(@Observes StartupEvent started) {
        if (!database.available()) {
            LOG.infof("Jobs are off: no PostgreSQL configured (%s).", JobDatabase.URL_PROPERTY);
            return;
        }
        running = true;
        timer = vertx.setPeriodic(pollInterval.toMillis(), id -> poll());
        // A replica may die after storing a job's last result and before completing the job: once per lease, as its
        // items would be taken again, such a job is completed by whoever is left.
        sweeper = vertx.setPeriodic(lease.toMillis(), id -> completeStranded());
        LOG.infof("Job workers started as %s: up to %d items at once, lease %s.", replica, concurrency, lease);
    }

    /** Looks for work now: a job was just created. */
    public void nudge() {
        poll();
    }

    /** Claims as many items as there are free places, unless a claim is under way; runs them. */
    private void poll() {
        if (!running || !claiming.compareAndSet(false, true)) {
            return;
        }
        int free = concurrency - inFlight.get();
        if (free <= 0) {
            claiming.set(false);
            return;
        }
        List<String> paused = backoff.paused();
        store.claim(free, lease, replica, paused).subscribe().with(items -> {
            inFlight.addAndGet(items.size());
            claiming.set(false);
            items.forEach(this::run);
            if (items.size() == free) {
                poll(); // there may be more
            }
        }, failure -> {
            claiming.set(false);
            LOG.warnf("Claiming job items failed: %s", failure.toString());
        });
    }

    private void run(ClaimedItem item) {
        analysis.run(item, lease)
                .chain(outcome -> settle(item, outcome))
                .onTermination().invoke(() -> {
                    inFlight.decrementAndGet();
                    poll();
                })
                .subscribe().with(done -> {
                }, failure -> LOG.warnf("Item %d of job %s could not be settled (its lease will pass): %s",
                        item.index(), item.jobId(), failure.toString()));
    }

    private Uni<Void> settle(ClaimedItem item, ItemAnalysis.Outcome outcome) {
        if (outcome instanceof ItemAnalysis.TryLater later) {
            if (!later.pause().isZero()) {
                backoff.pause(item.model(), later.pause());
            }
            return store.release(item, replica, later.counted());
        }
        JobResult result = ((ItemAnalysis.Finished) outcome).result();
        return store.finish(item, result)
                .chain(() -> store.completeIfDone(item.jobId()))
                .chain(completed -> completed ? export.write(item.jobId()) : Uni.createFrom().voidItem());
    }

    private void completeStranded() {
        store.completeStranded().subscribe().with(
                jobs -> jobs.forEach(job -> export.write(job).subscribe().with(done -> {
                })), // write() logs and absorbs its own failures
                failure -> LOG.warnf("Completing stranded jobs failed: %s", failure.toString()));
    }

    /** Stops claiming, waits for the items in flight within the shutdown timeout, then gives back the rest. */
    void stop(@Observes ShutdownEvent stopping) {
        if (!running) {
            return;
        }
        running = false;
        vertx.cancelTimer(timer);
        vertx.cancelTimer(sweeper);
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            // Shutdown, not a request: waiting here for the database is what lets the other replicas go on at once.
            int released = store.releaseAll(replica).await().atMost(RELEASE_DEADLINE);
            if (released > 0) {
                LOG.infof("Job workers stopped: %d unfinished items given back to the other replicas.", released);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Job workers stopped without giving back their items (their leases will pass): %s", e.toString());
        }
    }

    private static String replicaName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "replica";
        }
        return host + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
