package dev.visionapi.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Without a database (as in prod without {@code quarkus.datasource.reactive.url}) the service runs: analyses work,
 * it is ready, and every jobs operation answers 503 {@code jobs-unavailable} naming the property to set.
 */
@QuarkusTest
@TestProfile(JobsWithoutDatabaseTest.NoDatabase.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class JobsWithoutDatabaseTest {

    /** The datasource off, so that no embedded database stands in for the missing one. */
    public static class NoDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.active", "false");
        }
    }

    @Test
    void everyJobsOperationIs503NamingTheProperty() {
        String job = "/v1/jobs/" + UUID.randomUUID();
        expectUnavailable(given().contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"))), "preset", "caption"))
                .post("/v1/jobs"));
        expectUnavailable(given().get("/v1/jobs"));
        expectUnavailable(given().get(job));
        expectUnavailable(given().get(job + "/results"));
        expectUnavailable(given().delete(job));
    }

    @Test
    void analysesAndReadinessDoNotNeedTheDatabase() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("sample", "cat-chelsea")), "preset", "caption"))
                .post("/v1/analyses").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static void expectUnavailable(io.restassured.response.Response response) {
        response.then().statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:jobs-unavailable"))
                .body("detail", containsString("quarkus.datasource.reactive.url"));
    }
}
