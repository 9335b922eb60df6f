package dev.visionapi.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With API keys configured, /v1 needs one; health and the page stay open; each key has a rate limit. */
@QuarkusTest
@TestProfile(ApiKeyTest.WithKeys.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class ApiKeyTest {

    public static class WithKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("auth.api-keys", "k-alpha-7f3a,k-beta-91cd", "auth.rate-limit-per-minute", "4",
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
}
