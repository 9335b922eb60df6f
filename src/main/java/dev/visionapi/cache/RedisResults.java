package dev.visionapi.cache;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.ModelAnswer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Answers in Redis, shared by every replica: one string of JSON per key, set with an expiry ({@code SETEX}). Each
 * command fails when Redis has not answered within {@code cache.redis-timeout}.
 */
final class RedisResults implements ResultStore {

    static final String KEY_PREFIX = "iua:result:";

    private final ReactiveValueCommands<String, String> values;
    private final ObjectMapper json;
    private final long ttlSeconds;
    private final Duration timeout;

    RedisResults(ReactiveRedisDataSource redis, ObjectMapper json, Duration ttl, Duration timeout) {
        this.timeout = timeout;
        this.values = redis.value(String.class);
        this.json = json;
        this.ttlSeconds = Math.max(1, ttl.toSeconds());
    }

    @Override
    public Uni<Optional<ModelAnswer>> get(ResultKey key) {
        return values.get(KEY_PREFIX + key.hash())
                .ifNoItem().after(timeout).fail()
                .map(stored -> Optional.ofNullable(stored).map(this::answer))
                // Off Redis' event loop: a miss goes on to start the Bedrock call, whose request is built and signed
                // on the calling thread.
                .emitOn(Infrastructure.getDefaultWorkerPool());
    }

    @Override
    public Uni<Void> put(ResultKey key, ModelAnswer answer) {
        String stored;
        try {
            stored = json.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return values.setex(KEY_PREFIX + key.hash(), ttlSeconds, stored).ifNoItem().after(timeout).fail();
    }

    @Override
    public String kind() {
        return "redis";
    }

    private ModelAnswer answer(String stored) {
        try {
            ModelAnswer answer = json.readValue(stored, ModelAnswer.class);
            // Jackson reads a JSON null into a JsonNode property as a null node; answers without data hold null.
            return answer.data() != null && answer.data().isNull()
                    ? new ModelAnswer(answer.text(), null, answer.stopReason(), answer.usage()) : answer;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored answer is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
