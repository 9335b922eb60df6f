package dev.visionapi.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Following a job through the API in tests: its state now, or once it reaches a status or a condition holds. */
public final class JobPolling {

    /** How long a test waits for a job; far above what the jobs take, so only a stuck job fails it. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobPolling() {
    }

    public static JsonNode job(String id) {
        return read(given().get("/v1/jobs/" + id).then().statusCode(200).extract().asString());
    }

    public static JsonNode awaitJob(String id, Predicate<String> status) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode job = job(id);
            if (status.test(job.path("status").asText())) {
                return job;
            }
            assertThat(System.nanoTime() - deadline).as("job %s still %s", id, job).isNegative();
            sleep(Duration.ofMillis(100));
        }
    }

    public static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition not met in time").isNegative();
            sleep(Duration.ofMillis(100));
        }
    }

    public static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
