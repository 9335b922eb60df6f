package dev.visionapi.security;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.visionapi.api.MultipartBody;
import dev.visionapi.api.RawHttpConnection;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.security.RawRequest.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;

/**
 * With API keys configured, no spelling of a {@code /v1} path reaches a resource without a valid key: matrix
 * parameters, escapes, dot segments, double slashes, case and trailing characters. Each path is sent byte for byte,
 * with the key, without it and with a wrong one; wherever the REST layer routes the path to a resource, the answer
 * without a valid key is a 401 problem, and where it routes it nowhere, the answer is the same problem with or without.
 */
@QuarkusTest
@TestProfile(ApiKeyPathTest.WithKey.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class ApiKeyPathTest {

    private static final String KEY = "path-key-3c9e-41d7";

    public static class WithKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Every spelling is also sent with a wrong key, from one address: the wrong-key throttle is lifted here.
            return Map.of("auth.api-keys", KEY, "auth.docs-open", "false", "auth.failed-authentications-per-minute", "0");
        }
    }

    @TestHTTPResource("/")
    URL server;

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    static Stream<Arguments> spellings() {
        List<Arguments> spellings = new ArrayList<>();
        for (String resource : List.of("presets", "samples/cat-chelsea", "models", "analyses")) {
            String method = resource.equals("analyses") ? "POST" : "GET";
            for (String path : List.of("/v1/" + resource, "/v1;x/" + resource, "/v1;/" + resource,
                    "/v1;a=b/" + resource, "/v1%3Bx/" + resource, "/v1%3B/" + resource, "//v1/" + resource,
                    "/./v1/" + resource, "/x/../v1/" + resource, "/v1/./" + resource, "/v1%2F" + resource,
                    "/%761/" + resource, "/V1/" + resource, "/v1/" + resource.toUpperCase(Locale.ROOT),
                    "/v1/" + resource + ";x", "/v1/" + resource + "/", "/v1/" + resource + "?x=1")) {
                spellings.add(Arguments.of(method, path));
            }
        }
        return spellings.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("spellings")
    void noSpellingOfAPathReachesAResourceWithoutAValidKey(String method, String path) {
        Reply withKey = request(method, path).header("X-API-Key", KEY).sendTo(server);
        Reply without = request(method, path).sendTo(server);
        Reply wrongKey = request(method, path).header("Authorization", "Bearer not-" + KEY).sendTo(server);
        System.out.printf("spelling %s %s: with key %d, without %d, wrong key %d%n", method, path, withKey.status(),
                without.status(), wrongKey.status());

        assertThat(without.status()).as("%s %s without a key: %s (with the key: %s)", method, path, without, withKey)
                .isIn(401, 400, 404);
        assertThat(without.header("Content-Type")).as("%s %s", method, path).startsWith("application/problem+json");
        if (without.status() == 401) {
            assertThat(without.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"image-understanding\"");
            assertThat(without.body()).contains("\"type\":\"urn:visionapi:problem:unauthorized\"")
                    .contains("Send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.");
            assertThat(wrongKey.status()).as("%s %s with a wrong key: %s", method, path, wrongKey).isEqualTo(401);
            assertThat(wrongKey.header("Content-Type")).startsWith("application/problem+json");
            assertThat(wrongKey.body()).contains("The API key is not valid.").doesNotContain(KEY);
        } else {
            // Not routed to a resource at all: the key makes no difference.
            assertThat(withKey.status()).as("%s %s with the key: %s", method, path, withKey)
                    .isEqualTo(without.status());
            assertThat(wrongKey.status()).isEqualTo(without.status());
        }
    }

    @Test
    void theUsualSpellingsAnswerWithTheKey() {
        for (String path : List.of("/v1/presets", "/v1/samples/cat-chelsea", "/v1/models", "/v1;x/presets",
                "//v1/models", "/x/../v1/presets")) {
            assertThat(RawRequest.get(path).header("X-API-Key", KEY).sendTo(server).status()).as(path).isEqualTo(200);
        }
        assertThat(request("POST", "/v1/analyses").header("Authorization", "Bearer " + KEY).sendTo(server).status())
                .isEqualTo(200);
    }

    @Test
    void docsCanBePutBehindTheKeysWhileTheMetricsStayOpen() {
        for (String path : List.of("/q/openapi", "/q/openapi?format=json", "/q/swagger-ui/", "/q/swagger-ui/index.html")) {
            Reply without = RawRequest.get(path).sendTo(server);
            assertThat(without.status()).as(path).isEqualTo(401);
            assertThat(without.header("Content-Type")).startsWith("application/problem+json");
            assertThat(RawRequest.get(path).header("X-API-Key", KEY).sendTo(server).status()).as(path).isEqualTo(200);
        }
        for (String path : List.of("/q/openapi.json", "/q/openapi.yaml", "/q/swagger-ui")) {
            assertThat(RawRequest.get(path).sendTo(server).status()).as(path).isIn(401, 404);
        }
        assertThat(RawRequest.get("/q/metrics").sendTo(server).status()).isEqualTo(200);
        assertThat(RawRequest.get("/q/health/live").sendTo(server).status()).isEqualTo(200);
    }

    @Test
    void anUploadWithoutAKeyIsRefusedBeforeItsBodyIsRead() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(server.toURI())) {
            // Declares 10 MB and sends a few bytes: the refusal cannot wait for the rest.
            connection.write(("POST /v1/analyses HTTP/1.1\r\nHost: " + server.getHost() + "\r\nContent-Type: "
                    + MultipartBody.CONTENT_TYPE + "\r\nContent-Length: 10000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            connection.write(new MultipartBody().field("preset", "caption").bytes());
            String response = connection.readResponse();
            assertThat(response).startsWith("HTTP/1.1 401").contains("application/problem+json");
        }
    }

    @Test
    void aConnectionCarriesTheNextRequestAfterARefusedUpload() throws Exception {
        byte[] image = new byte[2 * 1024 * 1024];
        MultipartBody form = new MultipartBody().field("preset", "caption").file("image", "big.png", image);
        try (RawHttpConnection connection = new RawHttpConnection(server.toURI().resolve("/v1/analyses"))) {
            connection.write(connection.post(form));
            String refusal = connection.readResponse();
            assertThat(refusal).startsWith("HTTP/1.1 401").contains("application/problem+json");
            if (!refusal.toLowerCase(Locale.ROOT).contains("connection: close")) {
                connection.write(("GET /q/health/live HTTP/1.1\r\nHost: " + server.getHost() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(connection.readResponse()).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    @TestSecurity(user = "ci-runner", roles = ApiKeys.ROLE)
    void anIdentityWithTheRoleNeedsNoKey() {
        given().get("/v1/presets").then().statusCode(200);
        given().get("/v1/models").then().statusCode(200);
    }

    @Test
    @TestSecurity(user = "ci-runner")
    void anIdentityWithoutTheRoleIsForbiddenWithAProblem() {
        given().get("/v1/presets").then().statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403));
    }

    private static RawRequest request(String method, String path) {
        if (method.equals("GET")) {
            return RawRequest.get(path);
        }
        MultipartBody form = new MultipartBody().field("sample", "cat-chelsea").field("preset", "caption");
        return RawRequest.post(path, MultipartBody.CONTENT_TYPE, form.bytes());
    }
}
