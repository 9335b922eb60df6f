package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ReceivedImages;
import dev.visionapi.image.TestImages;
import dev.visionapi.sources.S3ProxyResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Images from S3 (S3Proxy, driven by the real S3 async client) in JSON requests and forms. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3AnalysisTest {

    @BeforeEach
    void reset() {
        bedrock().reset();
    }

    @Test
    void anS3ObjectIsSentLikeAnUpload() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("s3", "s3://images/cat-chelsea.png")), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(200).body("images[0].originalSizeBytes", equalTo(TestImages.CAT_PNG.length));

        assertThat(ReceivedImages.of(bedrock().lastCall())).containsExactly(TestImages.CAT_PNG_AS_SENT);
        assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("source_fetch_duration_seconds_count{kind=\"s3\",outcome=\"ok\"}");
    }

    @Test
    void aFormTakesS3UrisAsImageUrls() {
        given().multiPart("imageUrl", "s3://images/cat-chelsea.png").multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then().statusCode(200);

        assertThat(ReceivedImages.of(bedrock().lastCall())).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void aBucketNotAllowedAndAMissingObjectAreProblems() {
        expectProblem("s3://other-images/cat-chelsea.png", 400, "source-forbidden");
        expectProblem("s3://images/no-such-key.png", 404, "source-not-found");
        assertThat(bedrock().calls()).isEmpty();
    }

    private static void expectProblem(String uri, int status, String type) {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("s3", uri)), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:" + type));
    }
}
