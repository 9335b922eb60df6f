package dev.visionapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;

/**
 * The packaged application, {@code target/image-understanding-api-runner.jar}, as a process of its own on a free
 * loopback port, with system properties set by the test; its output goes to {@code target/<name>.log}.
 */
final class ServiceProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "image-understanding-api-runner.jar");
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final Pattern REPLICA = Pattern.compile("Job workers started as (\\S+):");

    private final Process process;
    private final URI base;
    private final Path log;

    private ServiceProcess(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /** Starts the jar against the emulator at {@code bedrock} with these system properties; does not wait. */
    static ServiceProcess launch(String name, URI bedrock, Map<String, String> properties) throws IOException {
        int port = freePort();
        Path log = Path.of("target", name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dbedrock.endpoint-override=" + bedrock, "-Dbedrock.region=us-east-1",
                "-Daws.accessKeyId=" + BedrockEmulatorResource.CREDENTIALS.accessKeyId(),
                "-Daws.secretAccessKey=" + BedrockEmulatorResource.CREDENTIALS.secretAccessKey()));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", JAR.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServiceProcess(process, URI.create("http://127.0.0.1:" + port), log);
    }

    /** Waits until the service answers ready; fails when it died or is not ready within a minute. */
    ServiceProcess awaitReady(HttpClient client) throws InterruptedException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() - deadline < 0) {
            assertThat(process.isAlive()).as("the service is running; see %s", log).isTrue();
            try {
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(base.resolve("/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new AssertionError("The service did not become ready within " + READY_WITHIN + "; see " + log);
    }

    URI base() {
        return base;
    }

    Process process() {
        return process;
    }

    /** The name its job workers claim items under, as its log states it. */
    String replica() throws IOException {
        Matcher matcher = REPLICA.matcher(Files.readString(log));
        assertThat(matcher.find()).as("the workers' start line in %s", log).isTrue();
        return matcher.group(1);
    }

    /** Waits (bounded) for the process to end and returns its exit status. */
    int awaitExit(Duration within) throws InterruptedException {
        assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS))
                .as("the service exits within %s; see %s", within, log).isTrue();
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
