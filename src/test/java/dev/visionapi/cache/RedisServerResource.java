package dev.visionapi.cache;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real {@link RedisServer} for the tests of the shared result cache, named to the service by
 * {@code quarkus.redis.hosts}. Tests stop and start it through {@link #redis()}.
 */
public class RedisServerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisServer redis;

    public static RedisServer redis() {
        return redis;
    }

    @Override
    public Map<String, String> start() {
        redis = RedisServer.start("redis-test");
        return Map.of("quarkus.redis.hosts", redis.uri());
    }

    @Override
    public void stop() {
        if (redis != null) {
            redis.close();
        }
    }
}
