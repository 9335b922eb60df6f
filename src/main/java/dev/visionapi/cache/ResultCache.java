package dev.visionapi.cache;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.bedrock.ModelCall;
import dev.visionapi.config.CacheConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The result cache in front of the model: answers to calls with temperature 0 that ended normally, kept for
 * {@code cache.ttl} under their {@link ResultKey}, in Redis when {@code quarkus.redis.hosts} is set, else in process.
 * The cache never fails an analysis: a Redis error or a Redis slower than {@code cache.redis-timeout} is a miss, a
 * store that fails is dropped, each with a warning and {@code analysis_cache_errors_total}.
 */
@ApplicationScoped
public class ResultCache {

    private static final Logger LOG = Logger.getLogger(ResultCache.class);
    // Only answers the model finished by itself: max_tokens cuts them short, a guardrail or refusal is no answer.
    private static final Set<String> STORED_STOP_REASONS = Set.of("end_turn", "tool_use");
    // While the store fails, one warning in this long, the rest counted: a Redis outage must not flood the log.
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final boolean enabled;
    private final ResultStore store;
    private final MeterRegistry registry;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);

    ResultCache(CacheConfig config, @CacheName(LocalResults.NAME) Cache local,
            InjectableInstance<ReactiveRedisDataSource> redis, ObjectMapper json, MeterRegistry registry) {
        this.enabled = config.enabled();
        this.registry = registry;
        // The Redis client is active only when quarkus.redis.hosts (or a hosts provider) is configured.
        List<ReactiveRedisDataSource> configured = enabled ? redis.listActive() : List.of();
        this.store = configured.isEmpty() ? new LocalResults(local, config.ttl(), config.maxEntries())
                : new RedisResults(configured.get(0), json, config.ttl(), config.redisTimeout());
        if (enabled) {
            LOG.infof("Result cache: %s, answers kept for %s", store.kind(), config.ttl());
        }
    }

    /**
     * The cache's part in one call: what it may serve ({@link Lookup#cached}) and store ({@link Lookup#store}) for it,
     * given the request's {@code Cache-Control}. Holds the call's key, never its images.
     */
    public Lookup lookup(ModelCall call, String textTemplate, CacheDirectives directives) {
        if (!enabled) {
            return new Lookup(null, false, false);
        }
        Optional<ResultKey> key = ResultKey.of(call, textTemplate);
        return new Lookup(key.orElse(null), key.isPresent() && !directives.noCache(), !directives.noStore());
    }

    /** One call's lookup and store. */
    public final class Lookup {

        private final ResultKey key;
        private final boolean read;
        private final boolean write;

        private Lookup(ResultKey key, boolean read, boolean write) {
            this.key = key;
            this.read = read;
            this.write = write;
        }

        /**
         * The stored answer, or empty (a miss, a lookup skipped, or a failed one); never fails. Counted in
         * {@code analysis_cache_requests_total} by outcome: {@code hit}, {@code miss}, or {@code bypass} when not
         * looked up ({@code no-cache}, temperature above 0, an image read from S3 by the model).
         */
        public Uni<Optional<ModelAnswer>> cached() {
            if (!enabled) {
                return Uni.createFrom().item(Optional.empty());
            }
            if (!read) {
                outcome("bypass");
                return Uni.createFrom().item(Optional.empty());
            }
            return store.get(key)
                    .onFailure().recoverWithItem(failure -> {
                        failed("lookup", failure);
                        return Optional.empty();
                    })
                    .invoke(found -> outcome(found.isPresent() ? "hit" : "miss"));
        }

        /**
         * Stores a fresh answer unless it may not be: no key, {@code no-store}, or a stop reason other than
         * {@code end_turn} and {@code tool_use}. Does not wait for Redis; a failure is logged and counted.
         */
        public void store(ModelAnswer answer) {
            if (key == null || !write || !STORED_STOP_REASONS.contains(answer.stopReason())) {
                return;
            }
            store.put(key, answer)
                    .subscribe().with(stored -> { }, failure -> failed("store", failure));
        }
    }

    private void outcome(String outcome) {
        Counter.builder("analysis.cache.requests").description("Result cache lookups by outcome")
                .tags("outcome", outcome).register(registry).increment();
    }

    private void failed(String operation, Throwable failure) {
        Counter.builder("analysis.cache.errors").description("Result cache lookups and stores that failed or timed out")
                .tags("operation", operation).register(registry).increment();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARNING_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("Result cache %s in %s failed (a lookup is then a miss, a store is dropped; the next warning "
                    + "in 10 s at the earliest, analysis_cache_errors_total counts each): %s", operation, store.kind(),
                    failure.toString());
        }
    }
}
