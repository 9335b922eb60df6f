package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import dev.visionapi.cache.RedisServerResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * The result cache in a real Redis ({@code redis-server} on loopback): answers are stored there as JSON with the
 * configured expiry and served from there; a Redis that is down or hangs makes lookups misses, never failed analyses,
 * each failure counted and logged.
 */
@QuarkusTest
@TestProfile(RedisResultCacheTest.CacheOn.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = RedisServerResource.class, restrictToAnnotatedClass = true)
class RedisResultCacheTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The cache on; Redis named by the test resource. */
    public static class CacheOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cache.enabled", "true", "cache.ttl", "1h");
        }
    }

    @Inject
    RedisDataSource redis;

    @BeforeEach
    void reset() {
        bedrock().reset();
    }

    @Test
    void anAnswerIsStoredInRedisWithItsExpiryAndServedFromThere() {
        String prompt = uniquePrompt();
        bedrock().next(new Reply(EmulatorReply.answer("A cat in Redis.", 1612, 8)));
        List<String> before = redis.key().keys("iua:result:*");
        JsonNode first = analyse(prompt);
        List<String> stored = redis.key().keys("iua:result:*").stream().filter(key -> !before.contains(key)).toList();

        assertThat(first.path("cached").asBoolean()).isFalse();
        assertThat(stored).singleElement().asString().matches("iua:result:[0-9a-f]{64}");
        String key = stored.get(0);
        assertThat(redis.key().ttl(key)).as("seconds left of cache.ttl").isBetween(3500L, 3600L);
        assertThat(read(redis.value(String.class).get(key)).path("text").asText()).isEqualTo("A cat in Redis.");

        JsonNode second = analyse(prompt);
        assertThat(second.path("cached").asBoolean()).isTrue();
        assertThat(second.path("cachedUsage")).isEqualTo(first.path("usage"));
        assertThat(second.at("/usage/inputTokens").asInt()).isZero();
        assertThat(bedrock().calls()).hasSize(1);

        // What another replica would find: the entry, changed in Redis, is what this one serves.
        redis.value(String.class).set(key, redis.value(String.class).get(key).replace("A cat in Redis.", "Edited."));
        assertThat(analyse(prompt).path("text").asText()).isEqualTo("Edited.");
    }

    @Test
    void aRedisThatIsDownOrHangsIsAMissAndTheAnalysesSucceed() {
        String prompt = uniquePrompt();
        double lookupErrors = counter("analysis_cache_errors_total{operation=\"lookup\"}");
        double misses = counter("analysis_cache_requests_total{outcome=\"miss\"}");
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("dev.visionapi.cache");
        logger.addHandler(handler);
        try {
            RedisServerResource.redis().stop();
            assertThat(analyse(prompt).path("cached").asBoolean()).isFalse();
            assertThat(analyse(prompt).path("cached").asBoolean()).isFalse();
            assertThat(bedrock().calls()).as("both went to Bedrock").hasSize(2);
            assertThat(counter("analysis_cache_errors_total{operation=\"lookup\"}") - lookupErrors).isEqualTo(2);
            assertThat(counter("analysis_cache_requests_total{outcome=\"miss\"}") - misses).isEqualTo(2);
            assertThat(warnings).as("warnings of the cache").isNotEmpty();

            RedisServerResource.redis().restart();
            RedisServerResource.redis().pause();
            try {
                assertThat(analyse(prompt).path("cached").asBoolean()).as("a Redis that hangs").isFalse();
                assertThat(bedrock().calls()).hasSize(3);
                assertThat(counter("analysis_cache_errors_total{operation=\"lookup\"}") - lookupErrors).isEqualTo(3);
            } finally {
                RedisServerResource.redis().resume();
            }
        } finally {
            logger.removeHandler(handler);
        }
        // Redis back: the next answer is stored and served again.
        String next = uniquePrompt();
        awaitStored(next);
        assertThat(analyse(next).path("cached").asBoolean()).isTrue();
    }

    /** Analyses {@code prompt} until its answer is in Redis: the client reconnects after the restart in its time. */
    private void awaitStored(String prompt) {
        for (int attempt = 0; attempt < 50; attempt++) {
            analyse(prompt);
            if (analyse(prompt).path("cached").asBoolean()) {
                return;
            }
            sleep();
        }
        throw new AssertionError("Redis did not take answers again after its restart");
    }

    private static JsonNode analyse(String prompt) {
        return read(given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("sample", "cat-chelsea")), "prompt", prompt))
                .when().post("/v1/analyses").then().statusCode(200).extract().asString());
    }

    private static String uniquePrompt() {
        return "Describe the image. (" + UUID.randomUUID() + ")";
    }

    private static double counter(String series) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(
                line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst().orElse(0);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
