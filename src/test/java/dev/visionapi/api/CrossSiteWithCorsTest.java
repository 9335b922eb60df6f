package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImages;
import dev.visionapi.security.RawRequest;
import dev.visionapi.security.RawRequest.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With CORS on, the origins it lists may post; others are still refused, and preflights do not fill the metrics. */
@QuarkusTest
@TestProfile(CrossSiteWithCorsTest.WithCors.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class CrossSiteWithCorsTest {

    public static class WithCors implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.cors.enabled", "true",
                    "quarkus.http.cors.origins", "https://partner.example,/https://[a-z]+\\.partner\\.test/");
        }
    }

    @TestHTTPResource("/")
    URL server;

    private static RawRequest analysis() {
        MultipartBody form = new MultipartBody().field("preset", "caption").file("image", "cat.png", TestImages.CAT_PNG);
        return RawRequest.post("/v1/analyses", MultipartBody.CONTENT_TYPE, form.bytes());
    }

    @Test
    void listedOriginsMayPostAndOthersMayNot() {
        bedrock().reset();
        Reply listed = analysis().header("Origin", "https://partner.example").header("Sec-Fetch-Site", "cross-site")
                .sendTo(server);
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        Reply byPattern = analysis().header("Origin", "https://app.partner.test").sendTo(server);
        assertThat(byPattern.status()).as(byPattern.toString()).isEqualTo(200);
        Reply other = analysis().header("Origin", "https://attacker.example").sendTo(server);
        assertThat(other.status()).as(other.toString()).isEqualTo(403);
        assertThat(other.body()).contains("urn:visionapi:problem:cross-site-request");
    }

    @Test
    void preflightsToInventedPathsDoNotFillTheMetrics() {
        String run = "pre" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 160; i++) {
            given().header("Origin", "https://partner.example").header("Access-Control-Request-Method", "POST")
                    .options("/v1/" + run + "-" + i).then().statusCode(200);
        }
        given().head("/v1/models").then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain(run);
        assertThat(metrics.lines().filter(line -> line.startsWith("http_server_requests_seconds_count")
                && line.contains("method=\"HEAD\"") && line.contains("uri=\"/v1/models\""))).isNotEmpty();
    }
}
