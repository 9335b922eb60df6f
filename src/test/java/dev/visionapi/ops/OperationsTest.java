package dev.visionapi.ops;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health, metrics, request IDs and the analysis log line. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class OperationsTest {

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void healthEndpointsReportUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'bedrock' }.data.region", equalTo("us-east-1"));
        assertThat(bedrock().calls()).as("probes never call Bedrock").isEmpty();
    }

    @Test
    void metricsCountTokensCostAndRequestsAfterAnAnalysis() {
        bedrock().next(new Reply(EmulatorReply.answer("A cat.", 1000, 100)));
        given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .when().post("/v1/analyses").then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String model = "model=\"us.anthropic.claude-sonnet-4-5-20250929-v1:0\"";
        assertThat(metrics)
                .containsPattern("analysis_tokens_total\\{direction=\"input\"," + model + ",preset=\"caption\"} [1-9]")
                .containsPattern("analysis_requests_total\\{" + model + ",outcome=\"ok\",preset=\"caption\"} [1-9]")
                .contains("analysis_cost_estimated_usd_total{")
                .contains("analysis_duration_seconds_bucket{")
                .contains("bedrock_call_duration_seconds_bucket{")
                .contains("analysis_in_flight ")
                .contains("images_bytes_total{direction=\"in\"}")
                .containsPattern("executor_pool_size_threads\\{name=\"analysis-preparation\"} [1-9]")
                .contains("executor_queued_tasks{name=\"analysis-preparation\"}");
    }

    @Test
    void aSaneRequestIdIsReturnedAndOthersAreReplaced() {
        given().header(RequestIds.HEADER, "order-4711.retry:2").get("/v1/presets")
                .then().header(RequestIds.HEADER, "order-4711.retry:2");
        given().header(RequestIds.HEADER, "<script>alert(1)</script>").get("/v1/presets")
                .then().header(RequestIds.HEADER, matchesPattern("[0-9a-f-]{36}"));
        given().get("/v1/samples/unicorn").then().statusCode(404)
                .header(RequestIds.HEADER, matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void oneLogLinePerAnalysisWithItsRequestIdAndNothingSecret() {
        List<String> lines;
        try (CapturedLog log = CapturedLog.of("dev.visionapi.analysis")) {
            given().header(RequestIds.HEADER, "log-test-1").multiPart("sample", "cat-chelsea")
                    .multiPart("prompt", "My secret plan is in this prompt")
                    .when().post("/v1/analyses").then().statusCode(200);
            lines = log.lines();
        }
        assertThat(lines).filteredOn(line -> line.contains("requestId=log-test-1")).singleElement()
                .satisfies(line -> assertThat(line)
                        .contains("preset=custom", "images=1", "outcome=ok", "inputTokens=")
                        .doesNotContain("secret plan", "AKIDEXAMPLE", "wJalrXUtnFEMI"));
    }

    @Test
    void problemResponsesCarryTheRequestIdToo() {
        given().header(RequestIds.HEADER, "bad-request-7").multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then().statusCode(400).header(RequestIds.HEADER, "bad-request-7")
                .body("type", not(equalTo(null)));
    }
}
