package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * 300 analyses at once against 1.5 s of Bedrock latency. Run one after the other they would take 7.5 minutes; if
 * nothing blocks and the SDK's connection pool is sized, they overlap and finish in a few seconds.
 */
@QuarkusTest
@TestProfile(ConcurrencyTest.ThreeHundredAtOnce.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class ConcurrencyTest {

    /**
     * Above the default in-flight limit of 256, and with the production-like deadline: on this test's shared two
     * cores the client, the service and the emulator compete, and the short test deadline would measure that. One
     * preparation thread: the calls can only overlap if it never waits for Bedrock's answer.
     */
    public static class ThreeHundredAtOnce implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("analysis.max-in-flight", "400", "analysis.max-in-flight-per-client", "400", "bedrock.timeout", "30s",
                    "analysis.preparation-threads", "1");
        }
    }

    private static final int REQUESTS = 300;
    private static final int WARM_UP_REQUESTS = 50;

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void threeHundredConcurrentAnalysesAllSucceedWellUnderTwentySeconds() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = new MultipartBody().field("preset", "caption").file("image", "cat.png", TestImages.CAT_PNG)
                .post(analyses);

        // A cold JVM interprets the first few hundred requests' JSON, base64 and signing code; this test is about
        // overlap, not JIT warm-up, so a few sequential requests come first.
        for (int i = 0; i < WARM_UP_REQUESTS; i++) {
            assertThat(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).join().statusCode()).isEqualTo(200);
        }
        bedrock().reset();
        bedrock().latency(Duration.ofMillis(1_500));

        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, REQUESTS)
                .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList();
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).join();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        System.out.printf("%d concurrent analyses with 1.5 s Bedrock latency took %d ms; %d Bedrock calls overlapped%n",
                REQUESTS, took.toMillis(), bedrock().maxInFlight());
        assertThat(responses).allSatisfy(response ->
                assertThat(response.join().statusCode()).as(response.join().body()).isEqualTo(200));
        assertThat(bedrock().calls()).hasSize(REQUESTS);
        assertThat(took).isLessThan(Duration.ofSeconds(20));
        assertThat(bedrock().maxInFlight()).as("Bedrock calls overlapped").isGreaterThan(100);
    }
}
