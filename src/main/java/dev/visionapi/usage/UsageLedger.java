package dev.visionapi.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.visionapi.config.UsageConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Tokens and estimated cost per API key name, UTC day and model, of every analysis and job item. Recording never
 * fails or waits: it adds to this replica's pending counts, which are added to the store (PostgreSQL when the service
 * has a database, else memory) every {@code usage.flush-interval} in one statement; a failed flush is logged, counted
 * ({@code usage_write_failures_total}) and its counts kept for the next one. A replica that dies loses its pending
 * counts (at most one interval's).
 *
 * <p>Budgets are checked against {@link #monthToDateCostUsd}, kept in memory: every key's month-to-date cost as the
 * store had it at the last refresh (every {@code usage.refresh-interval}, and at start-up), plus what this replica
 * recorded since. A budget can therefore be overshot by the analyses under way when it is reached and by what other
 * replicas spent since the last refresh; the store's figures are exact.
 */
@ApplicationScoped
public class UsageLedger {

    /** The name usage is recorded under when the service has no API keys. */
    public static final String ANONYMOUS = "anonymous";

    private static final Logger LOG = Logger.getLogger(UsageLedger.class);
    private static final Duration STARTUP_REFRESH_DEADLINE = Duration.ofSeconds(15);

    private final UsageStore store;
    private final Vertx vertx;
    private final Clock clock;
    private final Duration flushInterval;
    private final Duration refreshInterval;
    private final Counter writeFailures;
    private final ConcurrentHashMap<UsageRow.Key, TokenCounts> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /** The last flush: the next one starts when it has ended, so flushes never overlap. */
    private CompletableFuture<Void> lastFlush = CompletableFuture.completedFuture(null);
    private volatile MonthlyCosts stored = new MonthlyCosts(YearMonth.of(1970, 1), Map.of());
    /** Costs recorded here since the refresh under way began, and those recorded before it (until it ends). */
    private volatile ConcurrentHashMap<MonthlyKey, BigDecimal> recent = new ConcurrentHashMap<>();
    private volatile Map<MonthlyKey, BigDecimal> beforeRefresh = Map.of();
    private final List<Long> timers = new CopyOnWriteArrayList<>();

    /** A key's costs in one month. */
    private record MonthlyKey(YearMonth month, String keyName) {
    }

    /** Every key's cost in one month, as the store had it. */
    private record MonthlyCosts(YearMonth month, Map<String, BigDecimal> costs) {
    }

    @Inject
    UsageLedger(InjectableInstance<Pool> pools, UsageConfig config, Vertx vertx, MeterRegistry registry) {
        this(pools.getHandle().getBean() != null && pools.getHandle().getBean().isActive()
                ? new DatabaseUsageStore(pools.get()) : new MemoryUsageStore(config.maxMemoryRows()),
                config, vertx, registry, Clock.systemUTC());
    }

    UsageLedger(UsageStore store, UsageConfig config, Vertx vertx, MeterRegistry registry, Clock clock) {
        this.store = store;
        this.vertx = vertx;
        this.clock = clock;
        this.flushInterval = config.flushInterval();
        this.refreshInterval = config.refreshInterval();
        this.writeFailures = Counter.builder("usage.write.failures")
                .description("Flushes of recorded usage to the ledger that failed (their counts are kept for the next)")
                .register(registry);
    }

    void start(@Observes StartupEvent started) {
        try {
            refresh().await().atMost(STARTUP_REFRESH_DEADLINE);
        } catch (RuntimeException e) {
            LOG.warnf("The usage ledger could not be read at start-up (%s): budgets count from the next refresh.",
                    e.toString());
        }
        timers.add(vertx.setPeriodic(Math.max(1, flushInterval.toMillis()), id -> flush()));
        timers.add(vertx.setPeriodic(Math.max(1, refreshInterval.toMillis()), id -> refresh().subscribe().with(
                ignored -> {
                }, failure -> LOG.warnf("The usage ledger could not be read: %s", failure.toString()))));
        LOG.infof("Usage ledger %s; flushed every %s, budgets refreshed every %s.", store.description(),
                flushInterval, refreshInterval);
    }

    void stop(@Observes ShutdownEvent stopping) {
        timers.forEach(vertx::cancelTimer);
        try {
            flush().await().atMost(DatabaseUsageStore.DEADLINE);
        } catch (RuntimeException e) {
            LOG.warnf("Usage recorded last on this replica may be lost: %s", e.toString());
        }
    }

    /** Records an answer's usage under the key's name (null: keys are off), today (UTC). Never fails or waits. */
    public void record(String keyName, String model, TokenCounts counts) {
        String name = keyName == null || keyName.isEmpty() ? ANONYMOUS : keyName;
        LocalDate today = today();
        pending.merge(new UsageRow.Key(name, today, model == null ? "unknown" : model), counts, TokenCounts::plus);
        if (counts.costUsd().signum() != 0) {
            recent.merge(new MonthlyKey(YearMonth.from(today), name), counts.costUsd(), BigDecimal::add);
        }
    }

    /** The key's rows from {@code from} to {@code to} (inclusive), everything recorded before this call included. */
    public Uni<List<UsageRow>> rows(String keyName, LocalDate from, LocalDate to) {
        return flush().chain(() -> store.rows(keyName, from, to));
    }

    /**
     * The key's estimated cost this UTC month, as budgets are checked against it: the store's at the last refresh and
     * what this replica recorded since. Kept in memory: cheap enough for every request.
     */
    public BigDecimal monthToDateCostUsd(String keyName) {
        YearMonth month = YearMonth.from(today());
        MonthlyCosts snapshot = stored;
        BigDecimal cost = snapshot.month().equals(month)
                ? snapshot.costs().getOrDefault(keyName, BigDecimal.ZERO) : BigDecimal.ZERO;
        MonthlyKey key = new MonthlyKey(month, keyName);
        return cost.add(recent.getOrDefault(key, BigDecimal.ZERO)).add(beforeRefresh.getOrDefault(key, BigDecimal.ZERO));
    }

    /** Today in UTC, the ledger's day. */
    public LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    /** Adds the pending counts to the store; ends (never failing) when everything recorded before the call is in it. */
    synchronized Uni<Void> flush() {
        CompletableFuture<Void> next = lastFlush.thenCompose(ignored -> writePending());
        lastFlush = next;
        return Uni.createFrom().completionStage(next);
    }

    private CompletionStage<Void> writePending() {
        Map<UsageRow.Key, TokenCounts> batch = new HashMap<>();
        for (UsageRow.Key key : pending.keySet()) {
            TokenCounts counts = pending.remove(key);
            if (counts != null) {
                batch.put(key, counts);
            }
        }
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return store.add(batch).subscribeAsCompletionStage().handle((ignored, failure) -> {
            if (failure != null) {
                writeFailures.increment();
                LOG.warnf("Recorded usage could not be added to the ledger (kept for the next try): %s",
                        failure.toString());
                batch.forEach((key, counts) -> pending.merge(key, counts, TokenCounts::plus));
            }
            return null;
        });
    }

    /**
     * Reads every key's cost this month from the store, after flushing what this replica recorded; what is recorded
     * meanwhile is counted on top of it. One refresh at a time.
     */
    Uni<Void> refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        YearMonth month = YearMonth.from(today());
        // From here, recordings go to a fresh map; the earlier ones are in the store once the flush below has ended.
        ConcurrentHashMap<MonthlyKey, BigDecimal> before = recent;
        recent = new ConcurrentHashMap<>();
        beforeRefresh = before;
        return flush()
                .chain(() -> store.costs(month.atDay(1), month.atEndOfMonth()))
                .onItemOrFailure().invoke((costs, failure) -> {
                    if (failure == null) {
                        stored = new MonthlyCosts(month, Map.copyOf(costs));
                    } else {
                        before.forEach((key, cost) -> recent.merge(key, cost, BigDecimal::add));
                    }
                    beforeRefresh = Map.of();
                    refreshing.set(false);
                })
                .replaceWithVoid();
    }
}
