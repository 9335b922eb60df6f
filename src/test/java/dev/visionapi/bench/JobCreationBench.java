package dev.visionapi.bench;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.sources.S3ProxyResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * How long creating a large job takes, on the embedded PostgreSQL: 100,000 items given as a list (the checks and the
 * inserts), and an S3 prefix of 10,000 objects in S3Proxy (whose in-memory store lists each page by going through
 * the whole bucket, so the listing there says little about S3's). Prints the times; not a test (Surefire does not
 * pick it up): run it with {@code ./mvnw -o test -Dtest=JobCreationBench -Dquarkus.http.test-port=0}.
 */
@QuarkusTest
@TestProfile(JobCreationBench.IdleWorkers.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class JobCreationBench {

    private static final int LISTED_ITEMS = 100_000;
    private static final int PREFIX_OBJECTS = 10_000;

    /** The workers do not start on the items, so that only the creation is measured. */
    public static class IdleWorkers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobs.workers.concurrency", "1", "jobs.workers.poll-interval", "1h");
        }
    }

    @Test
    void createLargeJobs() {
        List<Map<String, String>> images = new ArrayList<>(LISTED_ITEMS);
        for (int i = 0; i < LISTED_ITEMS; i++) {
            images.add(Map.of("s3", "s3://images/listed/" + i + ".png"));
        }
        long started = System.nanoTime();
        request().body(Map.of("source", Map.of("images", images), "preset", "caption")).post("/v1/jobs")
                .then().statusCode(202);
        System.out.printf("JobCreationBench: %,d listed items: created in %d ms%n", LISTED_ITEMS,
                (System.nanoTime() - started) / 1_000_000);

        byte[] tiny = new byte[16];
        for (int i = 0; i < PREFIX_OBJECTS; i++) {
            S3ProxyResource.put(S3ProxyResource.BUCKET, "bench-prefix/%06d.png".formatted(i), tiny);
        }
        started = System.nanoTime();
        int total = request().body(Map.of("source", Map.of("s3Prefix", "s3://images/bench-prefix/"), "preset", "caption"))
                .post("/v1/jobs").then().statusCode(202).extract().path("counts.total");
        assertThat(total).isEqualTo(PREFIX_OBJECTS);
        System.out.printf("JobCreationBench: prefix of %,d objects in S3Proxy: listed and created in %d ms%n",
                PREFIX_OBJECTS, (System.nanoTime() - started) / 1_000_000);
    }

    private static RequestSpecification request() {
        return given().config(RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 300_000))).contentType(ContentType.JSON);
    }
}
