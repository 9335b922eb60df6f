package dev.visionapi.ops;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.api.MultipartBody;
import dev.visionapi.api.RawHttpConnection;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Beyond {@code analysis.max-in-flight} or {@code analysis.upload-memory}, analyses are shed at once with 503 and
 * Retry-After.
 */
@QuarkusTest
@TestProfile(InFlightLimitTest.TwoAtATime.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class InFlightLimitTest {

    public static class TwoAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Upload memory for about one and a half of the 1.2 MB requests below.
            return Map.of("analysis.max-in-flight", "2", "quarkus.http.limits.max-body-size", "2M",
                    "analysis.upload-memory", "2M", "analysis.early-retry-delay", EARLY_RETRY_DELAY.toMillis() + "ms");
        }
    }

    private static final Duration EARLY_RETRY_DELAY = Duration.ofMillis(600);

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    @AfterEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void theAnalysesBeyondTheLimitAreShedFastAndTheOthersSucceed() {
        bedrock().latency(Duration.ofMillis(1_500));
        HttpRequest request = new MultipartBody().field("sample", "cat-chelsea").field("preset", "caption")
                .post(analyses);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 6)
                .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString())).toList();
        List<HttpResponse<String>> done = responses.stream().map(CompletableFuture::join).toList();

        assertThat(done).filteredOn(response -> response.statusCode() == 200).hasSize(2);
        List<HttpResponse<String>> shed = done.stream().filter(response -> response.statusCode() == 503).toList();
        assertThat(shed).hasSize(4).allSatisfy(response -> {
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
            assertThat(response.body()).contains("urn:visionapi:problem:overloaded");
        });
        assertThat(bedrock().calls()).hasSize(2);
    }

    @Test
    void anUploadBeyondTheMemoryLimitIsShedBeforeItsBodyIsRead() throws Exception {
        bedrock().latency(Duration.ofMillis(1_500));
        HttpRequest request = largeUpload();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        CompletableFuture<HttpResponse<String>> first = underWay(client, request);
        long started = System.nanoTime();
        HttpResponse<String> second = client.send(request, HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("Retry-After")).contains("1");
        assertThat(second.body()).contains("urn:visionapi:problem:overloaded", "uploads in memory");
        assertThat(took).as("shed without waiting for the analysis under way").isLessThan(Duration.ofMillis(1_000));
        assertThat(first.join().statusCode()).isEqualTo(200);
        assertThat(bedrock().calls()).hasSize(1);
    }

    @Test
    void aChunkedUploadShedForMemoryKeepsItsRetryAfterWhenItOutgrowsTheBodyLimit() throws Exception {
        bedrock().latency(Duration.ofMillis(2_000));
        CompletableFuture<HttpResponse<String>> first = underWay(
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), largeUpload());

        String answer;
        try (Socket socket = new Socket(analyses.getHost(), analyses.getPort())) {
            socket.setSoTimeout(10_000);
            // Read while the body is still being sent: the service answers and closes the connection mid-body.
            CompletableFuture<String> reading = CompletableFuture.supplyAsync(() -> readUntilClosed(socket));
            sendChunkedBodyOfThreeMegabytes(socket.getOutputStream());
            answer = reading.join();
        }

        assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 1")
                .contains("urn:visionapi:problem:overloaded");
        assertThat(first.join().statusCode()).isEqualTo(200);
    }

    @Test
    void aConnectionWhoseUploadsWereShedCarriesTheNextAnalysis() throws Exception {
        bedrock().latency(Duration.ofMillis(1_500));
        MultipartBody form = new MultipartBody().field("sample", "cat-chelsea").field("preset", "caption");
        List<CompletableFuture<HttpResponse<String>>> underWay = fillTheService(form);
        MultipartBody large = largeForm();

        try (RawHttpConnection connection = new RawHttpConnection(analyses)) {
            // Both refused bodies are drained, leaving the connection at the start of the next request.
            assertThat(connection.exchange(large)).startsWith("HTTP/1.1 503")
                    .contains("urn:visionapi:problem:overloaded");
            assertThat(connection.exchange(large)).startsWith("HTTP/1.1 503")
                    .contains("urn:visionapi:problem:overloaded");
            underWay.forEach(CompletableFuture::join);
            bedrock().latency(Duration.ZERO);

            assertThat(connection.exchange(form)).startsWith("HTTP/1.1 200").contains("\"text\"");
        }
    }

    @Test
    void aClientThatSendsAgainBeforeItsRetryAfterGetsItsNextRefusalLater() throws Exception {
        bedrock().latency(Duration.ofMillis(3_000));
        MultipartBody form = new MultipartBody().field("sample", "cat-chelsea").field("preset", "caption");
        List<CompletableFuture<HttpResponse<String>>> underWay = fillTheService(form);
        MultipartBody large = largeForm();

        try (RawHttpConnection connection = new RawHttpConnection(analyses)) {
            long started = System.nanoTime();
            String first = connection.exchange(large);
            Duration firstTook = Duration.ofNanos(System.nanoTime() - started);
            started = System.nanoTime();
            String again = connection.exchange(large);
            Duration againTook = Duration.ofNanos(System.nanoTime() - started);
            Thread.sleep(1_000); // the Retry-After it was given
            started = System.nanoTime();
            String afterWaiting = connection.exchange(large);
            Duration afterWaitingTook = Duration.ofNanos(System.nanoTime() - started);

            assertThat(List.of(first, again, afterWaiting)).allSatisfy(answer -> assertThat(answer)
                    .startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 1")
                    .contains("urn:visionapi:problem:overloaded"));
            assertThat(firstTook).as("the first refusal").isLessThan(EARLY_RETRY_DELAY);
            assertThat(againTook).as("sent again at once").isGreaterThanOrEqualTo(EARLY_RETRY_DELAY);
            assertThat(afterWaitingTook).as("sent again after Retry-After").isLessThan(EARLY_RETRY_DELAY);
            underWay.forEach(CompletableFuture::join);
            bedrock().latency(Duration.ZERO);

            assertThat(connection.exchange(form)).as("the connection after the held refusal")
                    .startsWith("HTTP/1.1 200").contains("\"text\"");
        }
        assertThat(bedrock().calls()).hasSize(3);
    }

    /** An analysis of about 1.2 MB: more than half of the upload memory while Bedrock answers it. */
    private HttpRequest largeUpload() {
        return largeForm().post(analyses);
    }

    private static MultipartBody largeForm() {
        return new MultipartBody().field("sample", "cat-chelsea").field("preset", "caption")
                .file("notes", "notes.txt", "n".repeat(1_200_000).getBytes(StandardCharsets.US_ASCII));
    }

    /** Sends the form twice, the limit, and returns once Bedrock has both calls, while the service is full. */
    private List<CompletableFuture<HttpResponse<String>>> fillTheService(MultipartBody form)
            throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> underWay = List.of(
                client.sendAsync(form.post(analyses), HttpResponse.BodyHandlers.ofString()),
                client.sendAsync(form.post(analyses), HttpResponse.BodyHandlers.ofString()));
        while (bedrock().calls().size() < 2) {
            Thread.sleep(20);
        }
        return underWay;
    }

    /** Sends the request and returns once Bedrock has been called, while the analysis holds its upload memory. */
    private static CompletableFuture<HttpResponse<String>> underWay(HttpClient client, HttpRequest request)
            throws InterruptedException {
        CompletableFuture<HttpResponse<String>> response = client.sendAsync(request,
                HttpResponse.BodyHandlers.ofString());
        while (bedrock().calls().isEmpty()) {
            Thread.sleep(20);
        }
        return response;
    }

    /** Chunks of a body that never fits: more than upload-memory leaves and more than max-body-size. */
    private void sendChunkedBodyOfThreeMegabytes(OutputStream out) {
        byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        try {
            out.write(("POST " + analyses.getPath() + " HTTP/1.1\r\nHost: " + analyses.getAuthority()
                    + "\r\nContent-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int sent = 0; sent < 3_000_000; sent += chunk.length) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException closedByTheService) {
            // Expected: the service closes the connection once it has answered.
        }
    }

    private static String readUntilClosed(Socket socket) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                received.write(buffer, 0, read);
            }
        } catch (IOException reset) {
            // A reset after the answer: what arrived before it is the answer.
        }
        return received.toString(StandardCharsets.US_ASCII);
    }
}
