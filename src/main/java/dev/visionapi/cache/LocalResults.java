package dev.visionapi.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.visionapi.bedrock.ModelAnswer;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CaffeineCache;
import io.smallrye.mutiny.Uni;

/**
 * Answers in this process, in quarkus-cache's Caffeine cache {@value #NAME}. Its expiry and size come from
 * {@code cache.ttl} and {@code cache.max-entries}: Caffeine lets a policy be changed only when the cache was built with
 * one, so application.properties gives it both and they are set here at start-up.
 */
final class LocalResults implements ResultStore {

    static final String NAME = "analysis-results";

    private final CaffeineCache cache;

    LocalResults(Cache cache, Duration ttl, long maxEntries) {
        this.cache = cache.as(CaffeineCache.class);
        this.cache.setExpireAfterWrite(ttl);
        this.cache.setMaximumSize(maxEntries);
    }

    @Override
    public Uni<Optional<ModelAnswer>> get(ResultKey key) {
        CompletableFuture<ModelAnswer> stored = cache.getIfPresent(key.hash());
        return stored == null ? Uni.createFrom().item(Optional.empty())
                : Uni.createFrom().completionStage(stored).map(Optional::ofNullable);
    }

    @Override
    public Uni<Void> put(ResultKey key, ModelAnswer answer) {
        cache.put(key.hash(), CompletableFuture.completedFuture(answer));
        return Uni.createFrom().voidItem();
    }

    @Override
    public String kind() {
        return "local";
    }
}
