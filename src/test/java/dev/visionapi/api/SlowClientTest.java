package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.ops.InFlightLimiter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

/**
 * Clients that send a request's head and then little or nothing of its body: they must not hold the service's
 * places or upload memory for long, and everyone else's analyses go on meanwhile and afterwards.
 */
@QuarkusTest
@TestProfile(SlowClientTest.SmallLimits.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class SlowClientTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("analysis.max-in-flight", "8", "analysis.max-in-flight-per-client", "4",
                    "analysis.body-idle-timeout", "1s", "quarkus.http.limits.max-body-size", "4M",
                    "analysis.upload-memory", "4M", "quarkus.http.limits.max-concurrent-streams", String.valueOf(STREAMS));
        }
    }

    /** SETTINGS_MAX_CONCURRENT_STREAMS in this test. */
    private static final int STREAMS = 16;
    /** Another client address than the tests' 127.0.0.1: the whole 127/8 network is this machine. */
    private static final String ATTACKER = "127.0.0.2";

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    @Inject
    InFlightLimiter limiter;

    private final HttpClient honest = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void resetBedrock() {
        bedrock().reset();
    }

    /**
     * Two requests that declare bodies which together exceed the upload memory and send none of them hold no upload
     * memory; they are answered 408 once they have sent nothing for the idle timeout, and their connections closed.
     */
    @Test
    void bodiesThatNeverComeHoldNoMemoryAndTimeOut() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket socket = new Socket(analyses.getHost(), analyses.getPort(), InetAddress.getByName(ATTACKER), 0);
                socket.setSoTimeout(15_000);
                socket.getOutputStream().write(("POST /v1/analyses HTTP/1.1\r\nHost: " + analyses.getAuthority()
                        + "\r\nContent-Type: " + MultipartBody.CONTENT_TYPE + "\r\nContent-Length: " + 3 * 1024 * 1024
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                idle.add(socket);
            }
            while (limiter.inFlight() < 2) {
                Thread.sleep(10);
            }

            // Would not fit if the idle requests held the 6 MB they declared: the upload memory is 4 MB.
            HttpResponse<String> large = honest.send(largeForm().post(analyses), HttpResponse.BodyHandlers.ofString());
            assertThat(large.statusCode()).as(large.body()).isEqualTo(200);
            assertThat(limiter.bytesHeld()).as("held by the idle requests").isZero();

            for (Socket socket : idle) {
                assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 408")
                        .containsIgnoringCase("Content-Type: application/problem+json")
                        .contains("urn:visionapi:problem:request-timeout");
            }
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
        awaitNothingInFlight();
        assertThat(analyse().statusCode()).isEqualTo(200);
    }

    /**
     * One HTTP/2 connection opening many more streams than the service allows at once, each with half a form: the
     * connection is limited in streams, its address in analyses (429), and its admitted streams time out with 408;
     * another client's analyses are served all along.
     */
    @Test
    void oneHttp2ConnectionWithManyHalfSentStreamsCannotTakeEveryPlace() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            io.vertx.core.http.HttpClient attacker = vertx.createHttpClient(new HttpClientOptions()
                    .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                    .setLocalAddress(ATTACKER).setHttp2MaxPoolSize(1).setHttp2MultiplexingLimit(-1));
            byte[] form = new MultipartBody().field("sample", "cat-chelsea").field("preset", "caption").bytes();
            ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<HttpConnection> connections = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 260; i++) {
                attacker.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(analyses.getHost())
                        .setPort(analyses.getPort()).setURI("/v1/analyses"))
                        .compose(request -> halfSend(request, form, connections))
                        .onSuccess(response -> statuses.add(response.statusCode()));
            }
            // The connection's first streams: four admitted, the rest refused as the address's share is taken.
            while (statuses.size() < STREAMS - 4) {
                Thread.sleep(10);
            }
            assertThat(statuses).containsOnly(429);
            assertThat(limiter.inFlight()).as("places the attacker holds").isEqualTo(4);

            for (int i = 0; i < 3; i++) {
                assertThat(analyse().statusCode()).as("another client's analysis during the attack").isEqualTo(200);
            }
            assertThat(connections).isNotEmpty().allSatisfy(connection -> assertThat(
                    connection.remoteSettings().getMaxConcurrentStreams()).isEqualTo(STREAMS));

            while (statuses.stream().filter(status -> status == 408).count() < 4) {
                Thread.sleep(20);
            }
            assertThat(statuses).contains(429).allSatisfy(status -> assertThat(status).isIn(408, 429));
            assertThat(analyse().statusCode()).as("another client's analysis after the attack").isEqualTo(200);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        awaitNothingInFlight();
    }

    /** Sends the head and half of the form, never the rest; the response comes without waiting for the body. */
    private static Future<io.vertx.core.http.HttpClientResponse> halfSend(HttpClientRequest request, byte[] form,
            ConcurrentLinkedQueue<HttpConnection> connections) {
        request.putHeader("Content-Type", MultipartBody.CONTENT_TYPE)
                .putHeader("Content-Length", String.valueOf(form.length));
        connections.add(request.connection());
        request.exceptionHandler(closedByTheService -> {
        });
        request.write(Buffer.buffer(form).slice(0, form.length / 2));
        return request.response();
    }

    private HttpResponse<String> analyse() throws Exception {
        return honest.send(new MultipartBody().field("sample", "cat-chelsea").field("preset", "caption")
                .post(analyses), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitNothingInFlight() throws InterruptedException {
        while (limiter.inFlight() > 0) {
            Thread.sleep(10);
        }
        assertThat(limiter.bytesHeld()).isZero();
    }

    /** An analysis of about 1.2 MB. */
    private static MultipartBody largeForm() {
        return new MultipartBody().field("sample", "cat-chelsea").field("preset", "caption")
                .file("notes", "notes.txt", "n".repeat(1_200_000).getBytes(StandardCharsets.US_ASCII));
    }

    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        InputStream in = socket.getInputStream();
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            received.write(buffer, 0, read);
        }
        return received.toString(StandardCharsets.US_ASCII);
    }
}
