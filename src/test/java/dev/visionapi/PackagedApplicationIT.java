package dev.visionapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulator;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ScriptedBedrock;
import io.vertx.core.Vertx;

/**
 * The packaged application, {@code target/image-understanding-api-runner.jar}, launched as its own process: it applies
 * the values of application.properties, which the build records and leaves out of the jar, and when sent SIGTERM while
 * an analysis waits on a slow Bedrock, the analysis still completes and the process then exits on its own.
 */
class PackagedApplicationIT {

    private static final Path JAR = Path.of("target", "image-understanding-api-runner.jar");

    private static final String BOUNDARY = "packaged-application-test";

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
    void theJarAppliesTheValuesOfApplicationPropertiesWithoutCarryingTheFile() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("target", "classes", "application.properties"))) {
            properties.load(in);
        }
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getEntry("application.properties")).isNull();
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = launch(client);

        HttpResponse<String> page = client.send(HttpRequest.newBuilder(base.resolve("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .contains(properties.getProperty("quarkus.http.filter.page.header.\"Content-Security-Policy\""));
        // Longer than the 8K default of quarkus.http.limits.max-form-attribute-size, within the file's 64K.
        assertThat(properties.getProperty("quarkus.http.limits.max-form-attribute-size")).isEqualTo("64K");
        HttpResponse<String> analysis = client.send(analysisRequest(base, "prompt", "Describe this image. ".repeat(450)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(analysis.statusCode()).as(analysis.body()).isEqualTo(200);
    }

    @Test
    void aRunningAnalysisFinishesAfterSigterm() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = launch(client);

        bedrock.latency(Duration.ofSeconds(3));
        CompletableFuture<HttpResponse<String>> analysis = client.sendAsync(analysisRequest(base, "preset", "caption"),
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

    /** Starts the jar against the emulator on a free port and returns its base URI once it is ready. */
    private URI launch(HttpClient client) throws IOException, InterruptedException {
        int port = freePort();
        Path log = Path.of("target", "packaged-application.log");
        service = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dbedrock.endpoint-override=" + emulator.endpoint(), "-Dbedrock.region=us-east-1",
                "-Daws.accessKeyId=" + BedrockEmulatorResource.CREDENTIALS.accessKeyId(),
                "-Daws.secretAccessKey=" + BedrockEmulatorResource.CREDENTIALS.secretAccessKey(),
                "-jar", JAR.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitReady(client, base);
        return base;
    }

    /** An analysis of the cat sample with one more text field. */
    private static HttpRequest analysisRequest(URI base, String field, String value) {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"sample\"\r\n\r\ncat-chelsea\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value + "\r\n"
                + "--" + BOUNDARY + "--\r\n";
        return HttpRequest.newBuilder(base.resolve("/v1/analyses"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.US_ASCII)).build();
    }

    private void awaitReady(HttpClient client, URI base) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("the service is running; see target/packaged-application.log").isTrue();
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
