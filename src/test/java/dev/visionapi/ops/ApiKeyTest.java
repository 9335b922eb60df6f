package dev.visionapi.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.security.ApiKeys;
import dev.visionapi.security.RawRequest;
import dev.visionapi.security.RawRequest.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;

/** With API keys configured, /v1 needs one; health and the page stay open; each key has a rate limit. */
@QuarkusTest
@TestProfile(ApiKeyTest.WithKeys.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class ApiKeyTest {

    public static class WithKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("auth.api-keys", "k-alpha-7f3a,k-beta-91cd,k-delta-2b7e", "auth.rate-limit-per-minute", "4",
                    "auth.metrics-open", "false");
        }
    }

    @Test
    void aMissingKeyIsA401ProblemWithAChallenge() {
        given().get("/v1/presets").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("type", equalTo("urn:visionapi:problem:unauthorized"))
                .body("detail", containsString("X-API-Key"));
    }

    @Test
    void aWrongKeyIsA401AndIsNotEchoed() {
        given().header("X-API-Key", "k-gamma-0000").get("/v1/models").then().statusCode(401)
                .body(not(containsString("k-gamma-0000")));
        given().header("Authorization", "Bearer k-alpha-7f3").get("/v1/models").then().statusCode(401);
    }

    @Test
    void aKeyIsAcceptedAsBearerOrAsHeader() {
        given().header("Authorization", "Bearer k-beta-91cd").get("/v1/models").then().statusCode(200);
        given().header("X-API-Key", "k-beta-91cd").get("/v1/samples").then().statusCode(200);
    }

    @Test
    void healthAndThePageStayOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/").then().statusCode(200);
        given().get("/app.js").then().statusCode(200);
    }

    @Test
    void metricsCanBePutBehindTheKeysWhileTheDocsStayOpen() {
        given().get("/q/metrics").then().statusCode(401);
        given().header("X-API-Key", "k-beta-91cd").get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void eachKeyHasItsRateLimit() {
        for (int i = 0; i < 4; i++) {
            given().header("X-API-Key", "k-alpha-7f3a").get("/v1/presets").then().statusCode(200);
        }
        given().header("X-API-Key", "k-alpha-7f3a").get("/v1/presets").then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", not(equalTo(null)))
                .body("type", equalTo("urn:visionapi:problem:rate-limited"));
    }

    @TestHTTPResource("/")
    URL server;

    @Test
    void refusedMetricsAreAProblemWithAChallenge() {
        given().get("/q/metrics").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", equalTo("Bearer realm=\"image-understanding\""))
                .body("type", equalTo("urn:visionapi:problem:unauthorized"))
                .body("detail", containsString("X-API-Key"));
        given().header("X-API-Key", "k-gamma-0000").get("/q/metrics").then().statusCode(401)
                .contentType("application/problem+json")
                .body("detail", equalTo("The API key is not valid."));
    }

    @Test
    void aWrongKeyDoesNotCloseHealthOrThePage() {
        given().header("X-API-Key", "k-gamma-0000").get("/q/health/ready").then().statusCode(200);
        given().header("Authorization", "Bearer k-gamma-0000").get("/").then().statusCode(200);
    }

    @Test
    void theRateLimitHoldsForAPathWithAMatrixParameter() {
        // A bucket of 4 refilled at 4 a minute: quick requests find it empty by the fifth, the ninth at the latest.
        Reply refused = firstRefusal(9, () -> RawRequest.get("/v1;x/presets").header("X-API-Key", "k-delta-2b7e")
                .sendTo(server));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.header("Retry-After")).matches("[1-9][0-9]?");
        assertThat(refused.body()).contains("urn:visionapi:problem:rate-limited");
    }

    @Test
    @TestSecurity(user = "ci-runner", roles = ApiKeys.ROLE)
    void theRateLimitCountsByTheIdentitysName() {
        Reply refused = firstRefusal(9, () -> RawRequest.get("/v1/models").sendTo(server));
        assertThat(refused.status()).isEqualTo(429);
    }

    @Inject
    ApiKeys keys;

    @Test
    void theAnalysisLogLineNamesTheKeyButNeverShowsIt() {
        List<String> lines;
        try (CapturedLog log = CapturedLog.of("dev.visionapi.analysis")) {
            given().header("X-API-Key", "k-delta-2b7e").header(RequestIds.HEADER, "keyed-log-1")
                    .multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                    .when().post("/v1/analyses").then().statusCode(200);
            lines = log.lines();
        }
        String name = keys.nameOf("k-delta-2b7e").orElseThrow();
        assertThat(lines).filteredOn(line -> line.contains("requestId=keyed-log-1")).singleElement()
                .satisfies(line -> assertThat(line).contains("apiKey=" + name).doesNotContain("k-delta-2b7e"));
    }

    @Test
    void refusalsLogNoStackTrace() {
        List<LogRecord> records;
        try (CapturedLog log = CapturedLog.of("")) {
            given().get("/v1/presets").then().statusCode(401);
            given().header("X-API-Key", "k-gamma-0000").get("/v1/models").then().statusCode(401);
            given().get("/q/metrics").then().statusCode(401);
            RawRequest.get("/v1;x/presets").sendTo(server);
            records = log.records();
        }
        assertThat(records).allSatisfy(record -> {
            assertThat(record.getThrown()).as(record.getMessage()).isNull();
            assertThat(record.getLevel().intValue()).as(record.getMessage()).isLessThan(Level.WARNING.intValue());
        });
    }

    /** The requests' replies up to the first that is not a 200; fails if all are. */
    private static Reply firstRefusal(int attempts, Supplier<Reply> request) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            Reply reply = request.get();
            if (reply.status() != 200) {
                return reply;
            }
            statuses.add(reply.status());
        }
        throw new AssertionError("no refusal in " + statuses);
    }
}
