package dev.visionapi.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.visionapi.bedrock.ModelCatalog;
import dev.visionapi.config.JobsConfig;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.sources.S3PrefixListing;
import dev.visionapi.sources.S3Uri;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Lists the S3 prefixes of jobs in the background, on every replica: a job over a prefix is queued with no item, and a
 * lister stores its images a page (1,000 keys) at a time, each page in one transaction with the position reached, so
 * that any replica resumes a listing whose replica stopped (its lease passes). Once the last page is stored the job's
 * engine is chosen and that engine is nudged. The job fails, with its problem, when the prefix holds no image or more
 * than {@code jobs.max-items}, when no engine fits, or when S3 refuses the listing (or fails it too often in a row).
 * Replicas look for listings every {@code jobs.listing.poll-interval}, and at once when a job is created here.
 */
@ApplicationScoped
public class JobListing {

    private static final Logger LOG = Logger.getLogger(JobListing.class);
    /** Keys per ListObjectsV2 page: S3's most. */
    static final int PAGE_KEYS = 1000;
    // Listings one replica runs at once: each holds a database connection only while it stores a page.
    private static final int CONCURRENT = 4;
    private static final Duration RELEASE_DEADLINE = Duration.ofSeconds(5);
    // S3 answers that trying again will not change: the job fails at once.
    private static final Set<ProblemType> REFUSED = Set.of(ProblemType.SOURCE_NOT_FOUND,
            ProblemType.SOURCE_ACCESS_DENIED, ProblemType.SOURCE_FORBIDDEN, ProblemType.INVALID_REQUEST);

    private final JobDatabase database;
    private final ListingStore store;
    private final S3PrefixListing s3;
    private final EngineChoice engines;
    private final ModelCatalog models;
    private final JobWorkers workers;
    private final BatchPoller batchPoller;
    private final Vertx vertx;
    private final int maxItems;
    private final Duration pollInterval;
    private final Duration lease;
    private final int maxAttempts;
    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean running;
    private long timer = -1;

    JobListing(JobDatabase database, ListingStore store, S3PrefixListing s3, EngineChoice engines, ModelCatalog models,
            JobWorkers workers, BatchPoller batchPoller, Vertx vertx, JobsConfig config) {
        this.database = database;
        this.store = store;
        this.s3 = s3;
        this.engines = engines;
        this.models = models;
        this.workers = workers;
        this.batchPoller = batchPoller;
        this.vertx = vertx;
        this.maxItems = config.maxItems();
        this.pollInterval = config.listing().pollInterval();
        this.lease = config.listing().lease();
        this.maxAttempts = config.listing().maxAttempts();
    }

    void start(@Observes StartupEvent started) {
        if (!database.available()) {
            return;
        }
        running = true;
        timer = vertx.setPeriodic(pollInterval.toMillis(), id -> sweep());
    }

    /**
     * Queues a job over {@code prefix} (checked already) with no item and no engine yet, and starts listing it; the job
     * as queued.
     */
    Uni<Job> queue(JobSpec spec, String engine, S3Uri prefix, String model, String owner) {
        return store.queue(UUID.randomUUID(), owner, engine == null || engine.isBlank() ? "auto" : engine, model, spec,
                prefix.toString()).invoke(this::sweep);
    }

    /** Takes up the listings no lister holds, as many as this replica has room for. */
    private void sweep() {
        if (!running) {
            return;
        }
        if (!sweeping.compareAndSet(false, true)) {
            again.set(true); // a job created during a sweep is not missed until the next one
            return;
        }
        again.set(false);
        int free = CONCURRENT - active.size();
        Uni<List<ListingStore.Listing>> taken = free <= 0 ? Uni.createFrom().item(List.<ListingStore.Listing>of())
                : store.take(free, lease);
        taken.subscribe().with(listings -> {
            listings.forEach(this::start);
            sweeping.set(false);
            if (again.get()) {
                sweep();
            }
        }, failure -> {
            sweeping.set(false);
            LOG.warnf("Looking for prefixes to list failed: %s", failure.toString());
        });
    }

    private void start(ListingStore.Listing listing) {
        if (!active.add(listing.id())) {
            return; // this replica lists it already (its lease passed during a slow page)
        }
        run(listing).onTermination().invoke(() -> {
            active.remove(listing.id());
            sweep();
        }).subscribe().with(done -> {
        }, failure -> LOG.warnf("Job %s: listing its prefix stopped; it is resumed when its lease passes: %s",
                listing.id(), failure.toString()));
    }

    /**
     * Lists the rest of the job's prefix from where {@code listing} stands, page by page, until the job is ready to
     * run, has failed, or another lister turns out to be ahead (it then goes on alone).
     */
    Uni<Void> run(ListingStore.Listing listing) {
        S3Uri prefix;
        try {
            prefix = s3.allowed(listing.prefix(), "source.s3Prefix"); // allowed-buckets may have changed since
        } catch (ProblemException e) {
            return fail(listing, e.type(), e.getMessage());
        }
        return next(listing, prefix);
    }

    private Uni<Void> next(ListingStore.Listing at, S3Uri prefix) {
        return fetch(prefix, at.after()).chain(fetched -> listed(at, prefix, fetched));
    }

    /** The page after {@code after}, or why S3 did not list it; never fails. */
    private Uni<Fetched> fetch(S3Uri prefix, String after) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return s3.page(prefix, after, PAGE_KEYS).onItemOrFailure().transform((page, failure) -> new Fetched(page,
                    failure == null ? null : failure instanceof ProblemException problem ? problem
                            : new ProblemException(ProblemType.SOURCE_UNREACHABLE, "S3 could not list " + prefix, null,
                                    failure),
                    System.nanoTime() - started));
        });
    }

    private Uni<Void> listed(ListingStore.Listing at, S3Uri prefix, Fetched fetched) {
        if (fetched.failure() != null) {
            return listingFailed(at, fetched.failure());
        }
        S3PrefixListing.Page page = fetched.page();
        int total = at.total() + page.images().size();
        if (total > maxItems) {
            return fail(at, ProblemType.INVALID_REQUEST, "'source.s3Prefix': %s holds more than %d images, the most "
                    .formatted(prefix, maxItems) + "one job may have (jobs.max-items).");
        }
        if (page.more()) {
            // The next page is listed while this one is stored: a listing takes the longer of the two per page, not
            // their sum. It is thrown away if this page turns out to be stored by another lister.
            return Uni.combine().all().unis(store(at, page, null, fetched.nanos()), fetch(prefix, page.lastKey()))
                    .asTuple()
                    .chain(both -> both.getItem1()
                            ? listed(at.next(page.lastKey(), page.images().size()), prefix, both.getItem2())
                            : dropped(at));
        }
        if (total == 0) {
            return fail(at, ProblemType.INVALID_REQUEST, "'source.s3Prefix': there is no image under %s to analyse "
                    .formatted(prefix) + "(an object counts when its key ends in " + S3PrefixListing.EXTENSIONS + ").");
        }
        Engine engine;
        try {
            engine = engines.choose(at.requestedEngine(), total, models.select(Optional.of(at.model())));
        } catch (ProblemException e) {
            return fail(at, e.type(), e.getMessage());
        }
        return store(at, page, engine, fetched.nanos()).invoke(stored -> {
            if (stored) {
                LOG.infof("Job %s: %d images listed under %s; engine %s.", at.id(), total, prefix, engine.wire());
                if (engine == Engine.BEDROCK_BATCH) {
                    batchPoller.nudge();
                } else {
                    workers.nudge();
                }
            }
        }).chain(stored -> stored ? Uni.createFrom().voidItem() : dropped(at));
    }

    /** Stores the page (the last one when {@code engine} is given); logs how long S3 and the database took (debug). */
    private Uni<Boolean> store(ListingStore.Listing at, S3PrefixListing.Page page, Engine engine, long listedNanos) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return store.store(at, page.images(), page.lastKey(), engine, lease).invoke(stored -> LOG.debugf(
                    "Job %s: page after %s listed in %d ms, its %d images stored in %d ms%s.", at.id(), at.after(),
                    listedNanos / 1_000_000, page.images().size(), (System.nanoTime() - started) / 1_000_000,
                    stored ? "" : " (dropped: the listing had moved on)"));
        });
    }

    /** A refusal fails the job; anything else is tried again after a pause, up to {@code jobs.listing.max-attempts}. */
    private Uni<Void> listingFailed(ListingStore.Listing at, ProblemException problem) {
        if (REFUSED.contains(problem.type())) {
            return fail(at, problem.type(), problem.getMessage());
        }
        // The pause doubles with each try, from the poll interval on: the lease keeps other replicas away meanwhile.
        Duration backoff = pollInterval.multipliedBy(1L << Math.min(at.attempts(), 10));
        return store.tryFailed(at, backoff).chain(attempts -> {
            if (attempts >= maxAttempts) {
                return fail(at, problem.type(), problem.getMessage() + " (" + attempts + " tries)");
            }
            if (attempts > 0) {
                LOG.warnf("Job %s: listing its prefix failed (try %d of %d, next in %s): %s", at.id(), attempts,
                        maxAttempts, backoff, problem.getMessage());
            }
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> fail(ListingStore.Listing at, ProblemType type, String detail) {
        return store.fail(at, type, detail).invoke(failed -> {
            if (failed) {
                LOG.infof("Job %s failed: %s", at.id(), detail);
            }
        }).replaceWithVoid();
    }

    private static Uni<Void> dropped(ListingStore.Listing at) {
        LOG.debugf("Job %s: its listing moved on elsewhere, or it was cancelled; this lister stops.", at.id());
        return Uni.createFrom().voidItem();
    }

    /** A page as S3 listed it, or the problem it did not list it for; and how long that took. */
    private record Fetched(S3PrefixListing.Page page, ProblemException failure, long nanos) {
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (!running) {
            return;
        }
        running = false;
        vertx.cancelTimer(timer);
        List<UUID> held = List.copyOf(active);
        if (held.isEmpty()) {
            return;
        }
        try {
            // Shutdown, not a request: letting go now lets another replica resume these listings at once.
            store.release(held).await().atMost(RELEASE_DEADLINE);
        } catch (RuntimeException e) {
            LOG.warnf("Listings not let go at shutdown (their leases will pass): %s", e.toString());
        }
    }
}
