package dev.visionapi.bench;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * How long creating a large job takes, on the embedded PostgreSQL: 100,000 items given as a list (the checks and the
 * inserts), and an S3 prefix of 100,000 objects in S3Proxy: the POST's latency, the time until the prefix is listed
 * (its total final and its engine chosen), and the service's own time per page (its insert transaction), from the
 * lister's debug log. {@code -Dbench.s3=indexed} answers the listings from a sorted index instead of S3Proxy's store,
 * which walks the whole bucket for each page. Prints the times; not a test (Surefire does not pick it up): run it with
 * {@code ./mvnw -o test -Dtest=JobCreationBench -Dquarkus.http.test-port=0 [-Dbench.s3=indexed]}.
 */
@QuarkusTest
@TestProfile(JobCreationBench.IdleWorkers.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = ListingS3Resource.class, restrictToAnnotatedClass = true)
class JobCreationBench {

    private static final int LISTED_ITEMS = 100_000;
    private static final int PREFIX_OBJECTS = 100_000;
    private static final String LISTER = "dev.visionapi.jobs.JobListing";
    private static final Pattern PAGE = Pattern.compile("listed in (\\d+) ms, its (\\d+) images stored in (\\d+) ms");

    /** The workers do not start on the items, so that only the creation is measured; the lister logs each page. */
    public static class IdleWorkers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobs.workers.concurrency", "1", "jobs.workers.poll-interval", "1h",
                    "quarkus.log.category.\"" + LISTER + "\".level", "DEBUG");
        }
    }

    @Test
    void createLargeJobs() throws InterruptedException {
        List<Map<String, String>> images = new ArrayList<>(LISTED_ITEMS);
        for (int i = 0; i < LISTED_ITEMS; i++) {
            images.add(Map.of("s3", "s3://" + ListingS3Resource.BUCKET + "/listed/" + i + ".png"));
        }
        long started = System.nanoTime();
        String listedJob = request().body(Map.of("source", Map.of("images", images), "preset", "caption"))
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        System.out.printf("JobCreationBench: %,d listed items: created in %d ms%n", LISTED_ITEMS,
                (System.nanoTime() - started) / 1_000_000);
        given().delete("/v1/jobs/" + listedJob).then().statusCode(200); // its items would load the machine

        byte[] tiny = new byte[16];
        started = System.nanoTime();
        for (int i = 0; i < PREFIX_OBJECTS; i++) {
            ListingS3Resource.put("prefix/%06d.png".formatted(i), tiny);
        }
        System.out.printf("JobCreationBench: %,d objects put in S3Proxy in %d ms (listings: %s)%n", PREFIX_OBJECTS,
                (System.nanoTime() - started) / 1_000_000, ListingS3Resource.INDEXED ? "indexed" : "S3Proxy's store");

        List<String> pages = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record.getParameters() == null ? record.getMessage()
                        : String.format(record.getMessage(), record.getParameters());
                if (message.contains("stored in")) {
                    pages.add(message);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger lister = Logger.getLogger(LISTER);
        lister.addHandler(capture);
        try {
            started = System.nanoTime();
            String id = request().body(Map.of("source", Map.of("s3Prefix", "s3://bench/prefix/"), "preset", "caption"))
                    .post("/v1/jobs").then().statusCode(202).extract().path("id");
            long created = System.nanoTime() - started;
            JsonPath job;
            while (true) {
                job = given().get("/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
                if (job.get("engine") != null || !job.getString("status").equals("queued")) {
                    break;
                }
                Thread.sleep(50);
            }
            long listed = System.nanoTime() - started;
            assertThat(job.getInt("counts.total")).isEqualTo(PREFIX_OBJECTS);
            given().delete("/v1/jobs/" + id).then().statusCode(200);
            System.out.printf("JobCreationBench: prefix of %,d objects: POST answered in %d ms; listed (total final, "
                    + "engine %s) %d ms after the POST%n", PREFIX_OBJECTS, created / 1_000_000, job.getString("engine"),
                    listed / 1_000_000);
        } finally {
            lister.removeHandler(capture);
        }
        List<Long> listings = new ArrayList<>();
        List<Long> stores = new ArrayList<>();
        for (String page : pages) {
            Matcher matcher = PAGE.matcher(page);
            if (matcher.find()) {
                listings.add(Long.parseLong(matcher.group(1)));
                stores.add(Long.parseLong(matcher.group(3)));
            }
        }
        System.out.printf("JobCreationBench: %d pages; S3 listing per page: %s; insert transaction per page: %s%n",
                stores.size(), summary(listings), summary(stores));
    }

    private static String summary(List<Long> millis) {
        if (millis.isEmpty()) {
            return "none";
        }
        List<Long> sorted = millis.stream().sorted().toList();
        double mean = sorted.stream().mapToLong(Long::longValue).average().orElse(0);
        return "mean %.1f ms, median %d ms, p95 %d ms, max %d ms".formatted(mean, sorted.get(sorted.size() / 2),
                sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.95))),
                sorted.get(sorted.size() - 1));
    }

    private static RequestSpecification request() {
        return given().config(RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 300_000))).contentType(ContentType.JSON);
    }
}
