package dev.visionapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulator;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ScriptedBedrock;
import io.vertx.core.Vertx;

/**
 * The packaged application, launched as its own process, is sent SIGTERM while an analysis waits on a slow
 * Bedrock: the analysis still completes, and the process then exits on its own.
 */
class GracefulShutdownIT {

    private static final String BOUNDARY = "shutdown-test";

    private Vertx vertx;
    private BedrockEmulator emulator;
    private ScriptedBedrock bedrock;
    private Process service;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        bedrock = new ScriptedBedrock(vertx);
        emulator = BedrockEmulator.start(vertx, BedrockEmulatorResource.CREDENTIALS, bedrock);
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.destroyForcibly();
        }
        emulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aRunningAnalysisFinishesAfterSigterm() throws Exception {
        int port = freePort();
        Path log = Path.of("target", "graceful-shutdown-service.log");
        ProcessBuilder launch = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dbedrock.endpoint-override=" + emulator.endpoint(), "-Dbedrock.region=us-east-1",
                "-Daws.accessKeyId=" + BedrockEmulatorResource.CREDENTIALS.accessKeyId(),
                "-Daws.secretAccessKey=" + BedrockEmulatorResource.CREDENTIALS.secretAccessKey(),
                "-jar", "target/image-understanding-api-runner.jar"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        service = launch.start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitReady(client, base);

        bedrock.latency(Duration.ofSeconds(3));
        CompletableFuture<HttpResponse<String>> analysis = client.sendAsync(analysisRequest(base),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (bedrock.calls().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(bedrock.calls()).as("the analysis reached Bedrock").hasSize(1);

        service.destroy(); // SIGTERM

        HttpResponse<String> response = analysis.get(20, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(service.waitFor(20, TimeUnit.SECONDS)).as("the process exits after draining").isTrue();
    }

    private static HttpRequest analysisRequest(URI base) {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"sample\"\r\n\r\ncat-chelsea\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"preset\"\r\n\r\ncaption\r\n"
                + "--" + BOUNDARY + "--\r\n";
        return HttpRequest.newBuilder(base.resolve("/v1/analyses"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.US_ASCII)).build();
    }

    private void awaitReady(HttpClient client, URI base) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("the service is running; see target/graceful-shutdown-service.log").isTrue();
            try {
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new AssertionError("The service did not become ready within 60 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
