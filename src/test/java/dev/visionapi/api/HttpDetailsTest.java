package dev.visionapi.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.security.RawRequest;
import dev.visionapi.security.RawRequest.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** HTTP's own details: Allow on 405, problems for requests the router refuses, protective headers. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class HttpDetailsTest {

    @TestHTTPResource("/")
    URL server;

    @Test
    void a405NamesTheAllowedMethods() {
        given().delete("/v1/models").then().statusCode(405)
                .contentType("application/problem+json")
                .header("Allow", containsString("GET"));
        given().get("/v1/analyses").then().statusCode(405)
                .contentType("application/problem+json")
                .header("Allow", containsString("POST"));
    }

    @Test
    void anHttp11RequestWithoutHostIsAProblem() throws IOException {
        String reply = exchange("GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/problem+json")
                .contains("urn:visionapi:problem:invalid-request").contains("Host");
    }

    @Test
    void apiResponsesAreNotSniffedAndAnalysesNotStored() {
        given().get("/v1/models").then().statusCode(200).header("X-Content-Type-Options", "nosniff");
        given().get("/v1/invented").then().statusCode(404).header("X-Content-Type-Options", "nosniff");
        given().contentType("multipart/form-data; boundary=x").body("--x--\r\n".getBytes(StandardCharsets.US_ASCII))
                .post("/v1/analyses").then()
                .statusCode(400)
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-store");
    }

    @Test
    void swaggerUiAndThePageMayNotBeFramed() {
        given().get("/q/swagger-ui/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
        given().get("/q/swagger-ui/index.html").then().statusCode(200)
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
        given().get("/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
    }

    @Test
    void invented4xxPathsDoNotFillTheMetricsAndLaterSeriesAreStillRecorded() {
        String run = "inv" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 40; i++) {
            given().put("/v1/samples/" + run + "-put-" + i).then().statusCode(405);
            given().accept("text/csv").get("/v1/presets/" + run + "-csv-" + i).then().statusCode(406);
            given().options("/v1/samples/" + run + "-options-" + i).then().statusCode(equalTo(200));
            given().delete("/v1/" + run + "-delete-" + i).then().statusCode(404);
        }
        for (String method : List.of("PATCH", "TRACE")) {
            for (int i = 0; i < 10; i++) {
                RawRequest.of(method, "/v1/models/" + run + "-" + method + "-" + i).sendTo(server);
            }
        }
        given().head("/v1/presets").then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain(run);
        assertThat(metrics.lines().filter(line -> line.startsWith("http_server_requests_seconds_count")
                && line.contains("method=\"HEAD\"") && line.contains("uri=\"/v1/presets\""))).isNotEmpty();
    }

    @Test
    void aRequestTargetOverTheLimitIsA414Problem() throws IOException {
        String reply = exchange("GET /v1/presets?" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 414").containsIgnoringCase("content-type: application/problem+json")
                .contains("urn:visionapi:problem:uri-too-long").contains("4096");
    }

    @Test
    void headersOverTheLimitAreA431Problem() throws IOException {
        String reply = exchange("GET /v1/presets HTTP/1.1\r\nHost: x\r\nCookie: " + "c".repeat(25_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 431").containsIgnoringCase("content-type: application/problem+json")
                .contains("urn:visionapi:problem:headers-too-large").contains("20 KiB");
    }

    /** Limits of the framework, held here so that a Quarkus that lets them be answered shows up (quarkus#55082). */
    @Test
    void whatQuarkusOrTheCodecRefusesBeforeAnyRouteIsAnsweredEmpty() throws IOException {
        String escape = headOfReply("GET /v1/presets/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(escape).startsWith("HTTP/1.1 400").containsIgnoringCase("content-length: 0");
        String huge = headOfReply("GET /v1/presets HTTP/1.1\r\nHost: x\r\nCookie: " + "c".repeat(70_000) + "\r\n\r\n");
        assertThat(huge).startsWith("HTTP/1.1 431").containsIgnoringCase("content-length: 0");
    }

    /** The status line and headers of the reply, without waiting for the connection to close. */
    private String headOfReply(String request) throws IOException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int next = in.read();
                if (next < 0) {
                    break;
                }
                head.append((char) next);
            }
            return head.toString();
        }
    }

    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
