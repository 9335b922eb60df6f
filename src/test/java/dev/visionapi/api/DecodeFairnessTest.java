package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImageFactory;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * Decode amplification (issue 28): one API key floods the service with small PNGs that declare many megapixels,
 * each plausible for its size and costly to decode, while another key uploads ordinary photos that need decoding
 * too. The flood's images beyond the decode queue's limit are refused at once with 503 {@code overloaded}, and the
 * other key's uploads are not held up behind the flood: its p99 rises by less than a second.
 */
@QuarkusTest
@TestProfile(DecodeFairnessTest.TwoKeysSmallQueue.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class DecodeFairnessTest {

    private static final String FLOOD_KEY = "k-flood-6a0e93";
    private static final String CALM_KEY = "k-calm-1f7c42";
    /** The flood's requests under way at any time: more than the decode thread and the queue hold. */
    private static final int FLOOD_CONCURRENCY = 8;
    /** Photos uploaded during the flood: enough for a p99 that one stall of this shared machine does not decide. */
    private static final int SAMPLES = 100;
    /** Photos uploaded alone, half before the flood and half after. */
    private static final int BASELINE_SAMPLES = 40;

    /** One decode at a time (and the reserve turn), a short queue. */
    public static class TwoKeysSmallQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("auth.api-keys", FLOOD_KEY + "," + CALM_KEY, "images.max-concurrent-decodes", "1",
                    "images.decode.max-queued", "4", "images.decode.max-wait", "5s");
        }
    }

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void aFloodOfCostlyImagesFromOneKeyIsBoundedAndDoesNotHoldUpAnotherKeysUploads() throws Exception {
        // 6 megapixels of RGB in 18 KB, as small as zlib makes them: plausible, and a fifth of a second to decode: the
        // flood's backlog, behind which the photo would wait without the queue's fairness, is more than a second.
        HttpRequest costly = new MultipartBody().field("preset", "caption")
                .file("image", "black.png", TestImageFactory.pngBomb(2500, 2500, true))
                .post(analyses, "X-API-Key", FLOOD_KEY);
        // An ordinary photo over the long edge, so it is decoded and scaled too.
        HttpRequest photo = new MultipartBody().field("preset", "caption")
                .file("image", "photo.jpg", TestImageFactory.jpeg(scaled(TestImages.CAT_PNG, 2400, 1600), 0.85f))
                .post(analyses, "X-API-Key", CALM_KEY);

        for (int i = 0; i < 5; i++) {
            assertThat(send(costly).statusCode()).isEqualTo(200);
            assertThat(send(photo).statusCode()).isEqualTo(200);
        }
        List<Timed> alone = timed(photo, BASELINE_SAMPLES / 2);

        ConcurrentLinkedQueue<HttpResponse<String>> flooded = new ConcurrentLinkedQueue<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<CompletableFuture<Void>> floods = new ArrayList<>();
        for (int i = 0; i < FLOOD_CONCURRENCY; i++) {
            floods.add(flood(costly, flooding, flooded));
        }
        List<Timed> during;
        try {
            // The queue is full once the first refusals come.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (flooded.stream().noneMatch(response -> response.statusCode() == 503) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            during = timed(photo, SAMPLES);
        } finally {
            flooding.set(false);
        }
        CompletableFuture.allOf(floods.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        // Before and after the flood, so that the baseline sees the machine's load as the flood did.
        alone.addAll(timed(photo, BASELINE_SAMPLES / 2));
        Duration aloneP99 = p99(alone);
        Duration underFlood = p99(during);
        long decodedMeanwhile = flooded.stream().filter(response -> response.statusCode() == 200).count();
        System.out.printf("Photo p99 alone %d ms, under the flood %d ms; flood: %d answers, %d decoded, %d refused%n",
                aloneP99.toMillis(), underFlood.toMillis(), flooded.size(), decodedMeanwhile,
                flooded.stream().filter(response -> response.statusCode() == 503).count());

        assertThat(during).allSatisfy(timed -> assertThat(timed.status()).isEqualTo(200));
        assertThat(decodedMeanwhile).as("the flood kept the decode thread busy").isGreaterThanOrEqualTo(10);
        assertThat(underFlood).as("p99 rise of the other key's uploads").isLessThan(aloneP99.plusSeconds(1));

        assertThat(flooded).allSatisfy(response -> assertThat(response.statusCode()).as(response.body()).isIn(200, 503));
        List<HttpResponse<String>> refused = flooded.stream().filter(response -> response.statusCode() == 503).toList();
        assertThat(refused).as("the flood beyond the queue's limit is refused").isNotEmpty();
        assertThat(refused).allSatisfy(response -> {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(new JsonObject(response.body()).getString("type")).isEqualTo("urn:visionapi:problem:overloaded");
            assertThat(response.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(
                    seconds -> assertThat(seconds).isBetween(1, 5));
        });
    }

    /**
     * Sends the request again as soon as each answer comes, as long as {@code flooding}; after a refusal a quarter of
     * a second later (ignoring Retry-After, but not in a tight loop that would measure the test client's CPU).
     */
    private CompletableFuture<Void> flood(HttpRequest request, AtomicBoolean flooding,
            ConcurrentLinkedQueue<HttpResponse<String>> answers) {
        if (!flooding.get()) {
            return CompletableFuture.completedFuture(null);
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            answers.add(response);
            Duration pause = response.statusCode() == 503 ? Duration.ofMillis(250) : Duration.ZERO;
            return CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(pause.toMillis(), TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> flood(request, flooding, answers));
        });
    }

    private record Timed(int status, Duration took) {
    }

    private List<Timed> timed(HttpRequest request, int times) throws Exception {
        List<Timed> results = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            long started = System.nanoTime();
            HttpResponse<String> response = send(request);
            results.add(new Timed(response.statusCode(), Duration.ofNanos(System.nanoTime() - started)));
        }
        return results;
    }

    /** The 99th percentile by nearest rank: of 100 samples or fewer, the slowest. */
    private static Duration p99(List<Timed> samples) {
        List<Duration> sorted = new ArrayList<>(samples.stream().map(Timed::took).toList());
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static BufferedImage scaled(byte[] sample, int width, int height) {
        try {
            BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D graphics = scaled.createGraphics();
            graphics.drawImage(ImageIO.read(new ByteArrayInputStream(sample)), 0, 0, width, height, null);
            graphics.dispose();
            return scaled;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
