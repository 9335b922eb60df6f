package dev.visionapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.emulator.BedrockEmulator;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import dev.visionapi.cache.RedisServer;
import io.vertx.core.Vertx;

/**
 * Two replicas, packaged service processes, share the result cache through one real Redis: an image analysed by one
 * is answered from the cache by the other, without a second call to Bedrock.
 */
class SharedResultCacheIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void oneReplicaComputesTheOtherHits() throws Exception {
        Vertx vertx = Vertx.vertx();
        ScriptedBedrock bedrock = new ScriptedBedrock(vertx);
        BedrockEmulator emulator = BedrockEmulator.start(vertx, BedrockEmulatorResource.CREDENTIALS, bedrock);
        try (RedisServer redis = RedisServer.start("redis-shared-cache-it");
                ServiceProcess first = ServiceProcess.launch("shared-cache-first", emulator.endpoint(),
                        Map.of("quarkus.redis.hosts", redis.uri()));
                ServiceProcess second = ServiceProcess.launch("shared-cache-second", emulator.endpoint(),
                        Map.of("quarkus.redis.hosts", redis.uri()))) {
            first.awaitReady(client);
            second.awaitReady(client);
            bedrock.next(new Reply(EmulatorReply.answer("A cat, seen by the first replica.", 1612, 10)));

            JsonNode computed = analyse(first.base());
            JsonNode hit = analyse(second.base());

            assertThat(bedrock.calls()).as("Converse calls of both replicas").hasSize(1);
            assertThat(computed.path("cached").asBoolean()).isFalse();
            assertThat(hit.path("cached").asBoolean()).isTrue();
            assertThat(hit.path("text").asText()).isEqualTo("A cat, seen by the first replica.");
            assertThat(hit.path("cachedUsage")).isEqualTo(computed.path("usage"));
            assertThat(hit.at("/usage/inputTokens").asInt()).isZero();
        } finally {
            emulator.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private JsonNode analyse(URI base) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/v1/analyses"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"images\":[{\"sample\":\"cat-chelsea\"}],\"preset\":\"caption\"}"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
