package dev.visionapi.jobs;

import static dev.visionapi.jobs.JobPolling.WAIT;
import static dev.visionapi.jobs.JobPolling.awaitJob;
import static dev.visionapi.jobs.JobPolling.awaitTrue;
import static dev.visionapi.jobs.JobPolling.job;
import static dev.visionapi.jobs.JobPolling.read;
import static dev.visionapi.jobs.JobPolling.sleep;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.sources.S3ProxyResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Jobs over an S3 prefix, listed in the background on a real PostgreSQL (embedded) and S3 (S3Proxy): answered at once
 * with no item and no engine, then listed page by page with every image once in key order, the engine chosen at the
 * end; failed with their problem when the prefix holds no image or too many, its bucket is missing, or S3 keeps
 * failing; a listing left by a dead lister is resumed, two listers at once store each page once, and a cancelled job
 * is listed no further.
 */
@QuarkusTest
@TestProfile(PrefixListingTest.SmallJobs.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class PrefixListingTest {

    private static final String MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    /** 2,500 images and 25 other objects among them: three pages of 1,000 keys. */
    private static final String PAGES = "pages/";
    private static final int PAGES_IMAGES = 2_500;
    /** One more image beside {@link #PAGES}: the prefix {@code pages} (no slash) holds both, one image too many. */
    private static final String PAGES_PLUS_ONE = "pages-plus-one/";
    private static boolean pagesStored;

    /** At most 2,500 items per job, listings looked for often and failed after three tries, workers one at a time. */
    public static class SmallJobs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobs.max-items", String.valueOf(PAGES_IMAGES),
                    "jobs.listing.poll-interval", "200ms",
                    "jobs.listing.max-attempts", "3",
                    "jobs.workers.concurrency", "1",
                    "jobs.workers.poll-interval", "200ms");
        }
    }

    @Inject
    Pool database;
    @Inject
    JobListing listing;

    @Test
    void aPrefixJobIsAnsweredAtOnceWithNoItemAndNoEngineThenListedAndCompleted() {
        String prefix = "small-" + UUID.randomUUID() + "/";
        S3ProxyResource.put(S3ProxyResource.BUCKET, prefix + "a.png", S3ProxyResource.sample("cat-chelsea.png"));
        S3ProxyResource.put(S3ProxyResource.BUCKET, prefix + "b.txt", "not listed".getBytes(StandardCharsets.UTF_8));
        S3ProxyResource.put(S3ProxyResource.BUCKET, prefix + "c.jpg", S3ProxyResource.sample("vehicle-rocket.jpg"));

        String id = create("s3://images/" + prefix)
                .then().statusCode(202)
                .body("status", equalTo("queued")).body("engine", nullValue()).body("problem", nullValue())
                .body("counts.total", equalTo(0)).body("counts.pending", equalTo(0))
                .extract().path("id");

        JsonNode job = awaitJob(id, "completed"::equals);
        assertThat(job.path("engine").asText()).isEqualTo("on-demand");
        assertThat(job.at("/counts/total").asInt()).isEqualTo(2);
        assertThat(job.at("/counts/succeeded").asInt()).isEqualTo(2);
        assertThat(job.path("problem").isNull()).isTrue();
        assertThat(sources(id)).containsExactly("s3://images/" + prefix + "a.png", "s3://images/" + prefix + "c.jpg");
    }

    @Test
    void aPrefixOfThreePagesHasEveryImageOnceInKeyOrder() {
        storePages();
        String id = create("s3://images/" + PAGES).then().statusCode(202).body("counts.total", equalTo(0))
                .extract().path("id");

        awaitTrue(() -> !job(id).path("engine").isNull());
        JsonNode job = job(id);
        assertThat(job.at("/counts/total").asInt()).isEqualTo(PAGES_IMAGES);
        assertThat(job.path("engine").asText()).isEqualTo("on-demand");
        assertThat(sources(id)).containsExactlyElementsOf(pagesImages());
        assertThat(listingPrefix(id)).isNull();
        cancel(id);
    }

    @Test
    void aPrefixWithNoImageFailsWithItsProblem() {
        String prefix = "no-images-" + UUID.randomUUID() + "/";
        S3ProxyResource.put(S3ProxyResource.BUCKET, prefix + "notes.txt", "text".getBytes(StandardCharsets.UTF_8));
        String output = "no-images-results-" + UUID.randomUUID() + "/";
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("s3Prefix", "s3://images/" + prefix), "preset", "caption",
                        "output", Map.of("s3Prefix", "s3://images/" + output)))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");

        JsonNode job = awaitJob(id, "failed"::equals);
        assertThat(job.at("/problem/type").asText()).isEqualTo("urn:visionapi:problem:invalid-request");
        assertThat(job.at("/problem/title").asText()).isEqualTo("Invalid request");
        assertThat(job.at("/problem/status").asInt()).isEqualTo(400);
        assertThat(job.at("/problem/detail").asText()).contains(prefix).contains("no image")
                .contains(".png, .jpg, .jpeg, .gif, .webp, .bmp, .tif or .tiff");
        assertThat(job.path("engine").isNull()).isTrue();
        assertThat(job.at("/counts/total").asInt()).isZero();
        assertThat(job.path("finishedAt").isTextual()).isTrue();
        assertThat(listingPrefix(id)).isNull();
        // The listed job's list shows it too.
        assertThat(given().queryParam("limit", 500).get("/v1/jobs").then().statusCode(200).extract()
                .<List<Map<String, Object>>>path("jobs")).filteredOn(listed -> listed.get("id").equals(id))
                .singleElement().satisfies(listed -> assertThat(listed.get("problem")).isNotNull());
        sleep(Duration.ofMillis(500));
        assertThat(S3ProxyResource.get(S3ProxyResource.BUCKET, output + id + ".jsonl")).as("results file").isNull();
    }

    @Test
    void aPrefixWithMoreImagesThanTheMostFailsWithNoItems() {
        storePages();
        String id = create("s3://images/pages").then().statusCode(202).extract().path("id");

        JsonNode job = awaitJob(id, "failed"::equals);
        assertThat(job.at("/problem/type").asText()).isEqualTo("urn:visionapi:problem:invalid-request");
        assertThat(job.at("/problem/detail").asText()).contains("more than " + PAGES_IMAGES)
                .contains("jobs.max-items");
        assertThat(job.at("/counts/total").asInt()).isZero();
        assertThat(job.at("/counts/pending").asInt()).isZero();
        assertThat(count("SELECT count(*) AS n FROM job_items WHERE job_id = $1", id)).isZero();
    }

    @Test
    void aMissingBucketFailsTheJobWithTheProblemOfAnAnalysis() {
        String id = create("s3://missing-images/photos/").then().statusCode(202).extract().path("id");

        JsonNode job = awaitJob(id, "failed"::equals);
        assertThat(job.at("/problem/type").asText()).isEqualTo("urn:visionapi:problem:source-not-found");
        assertThat(job.at("/problem/status").asInt()).isEqualTo(404);
        assertThat(job.at("/problem/detail").asText()).contains("missing-images");
    }

    @Test
    void aListingThatKeepsFailingFailsTheJobAfterItsTries() {
        String prefix = S3ProxyResource.FAILING_PREFIX + UUID.randomUUID() + "/";
        String id = create("s3://images/" + prefix).then().statusCode(202).extract().path("id");

        JsonNode job = awaitJob(id, "failed"::equals);
        assertThat(job.at("/problem/type").asText()).isEqualTo("urn:visionapi:problem:source-unreachable");
        assertThat(job.at("/problem/status").asInt()).isEqualTo(502);
        assertThat(job.at("/problem/detail").asText()).contains("500").contains("3 tries");
        assertThat(S3ProxyResource.listings(S3ProxyResource.BUCKET, prefix)).isGreaterThanOrEqualTo(3);
    }

    /** A lister stored the first page and died: when its lease passes, the sweep lists the rest, once. */
    @Test
    void aListingLeftByADeadListerIsResumedWithoutDoubles() {
        storePages();
        List<String> images = pagesImages();
        UUID id = insertListing(Duration.ofHours(1)); // held until it looks as the dead lister left it
        String firstPageLast = "pages/img-0989.png"; // the 1,000th key: 990 images and their 10 text objects
        await(database.preparedQuery("""
                INSERT INTO job_items (job_id, idx, source)
                SELECT $1, t.ord - 1, t.source FROM unnest($2::text[]) WITH ORDINALITY AS t(source, ord)""")
                .execute(Tuple.of(id, images.subList(0, 990).toArray(String[]::new))));
        await(database.preparedQuery("""
                UPDATE jobs SET listing_after = $2, total = 990, listing_lease = now() - interval '1 second'
                WHERE id = $1""").execute(Tuple.of(id, firstPageLast)));

        awaitTrue(() -> !job(id.toString()).path("engine").isNull());
        assertThat(job(id.toString()).at("/counts/total").asInt()).isEqualTo(PAGES_IMAGES);
        assertThat(sources(id.toString())).containsExactlyElementsOf(images);
        cancel(id.toString());
    }

    @Test
    void twoListersAtOnceStoreEachImageOnce() {
        storePages();
        UUID id = insertListing(Duration.ofHours(1)); // the sweep leaves it to the two below
        ListingStore.Listing start = new ListingStore.Listing(id, "s3://images/" + PAGES, null, 0, 0, MODEL, "auto");

        await(Uni.combine().all().unis(listing.run(start), listing.run(start)).discardItems());

        JsonNode job = job(id.toString());
        assertThat(job.at("/counts/total").asInt()).isEqualTo(PAGES_IMAGES);
        assertThat(job.path("engine").asText()).isEqualTo("on-demand");
        assertThat(sources(id.toString())).containsExactlyElementsOf(pagesImages());
        cancel(id.toString());
    }

    @Test
    void aJobCancelledDuringItsListingIsListedNoFurther() {
        storePages();
        UUID id = insertListing(Duration.ofHours(1));
        ListingStore.Listing before = new ListingStore.Listing(id, "s3://images/" + PAGES, null, 0, 0, MODEL,
                "auto");

        given().delete("/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("cancelled"));
        // A lister that read the listing before the cancel lists its next page: nothing is stored.
        await(listing.run(before));

        JsonNode job = job(id.toString());
        assertThat(job.path("status").asText()).isEqualTo("cancelled");
        assertThat(job.path("engine").isNull()).isTrue();
        assertThat(job.at("/counts/total").asInt()).isZero();
        assertThat(count("SELECT count(*) AS n FROM job_items WHERE job_id = $1", id.toString())).isZero();
        assertThat(listingPrefix(id.toString())).isNull();
    }

    /** A queued job over {@link #PAGES}, not listed yet, whose listing lease ends {@code lease} from now. */
    private UUID insertListing(Duration lease) {
        UUID id = UUID.randomUUID();
        await(database.preparedQuery("""
                INSERT INTO jobs (id, status, engine, engine_requested, model, request, total, listing_prefix,
                                  listing_lease)
                VALUES ($1, 'queued', NULL, 'auto', $2, $3::jsonb, 0, $4, now() + make_interval(secs => $5))""")
                .execute(Tuple.of(id, MODEL, new JsonObject("{\"preset\":\"caption\",\"parameters\":{}}"),
                        "s3://images/" + PAGES, lease.toMillis() / 1000.0)));
        return id;
    }

    private static synchronized void storePages() {
        if (pagesStored) {
            return;
        }
        byte[] tiny = new byte[16];
        for (int i = 0; i < PAGES_IMAGES; i++) {
            S3ProxyResource.put(S3ProxyResource.BUCKET, PAGES + "img-%04d.png".formatted(i), tiny);
            if (i % 100 == 0) {
                S3ProxyResource.put(S3ProxyResource.BUCKET, PAGES + "img-%04d.txt".formatted(i), tiny);
            }
        }
        S3ProxyResource.put(S3ProxyResource.BUCKET, PAGES_PLUS_ONE + "one.png", tiny);
        pagesStored = true;
    }

    private static List<String> pagesImages() {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < PAGES_IMAGES; i++) {
            images.add("s3://images/" + PAGES + "img-%04d.png".formatted(i));
        }
        return images;
    }

    private static io.restassured.response.Response create(String prefix) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("s3Prefix", prefix), "preset", "caption", "model", MODEL))
                .when().post("/v1/jobs");
    }

    private static void cancel(String id) {
        given().delete("/v1/jobs/" + id).then().statusCode(200);
    }

    /** The items' sources in index order, checking that the indexes run from 0 without a gap. */
    private List<String> sources(String id) {
        List<String> sources = new ArrayList<>();
        int expected = 0;
        for (Row row : await(database.preparedQuery("SELECT idx, source FROM job_items WHERE job_id = $1 ORDER BY idx")
                .execute(Tuple.of(UUID.fromString(id))))) {
            assertThat(row.getInteger("idx")).isEqualTo(expected++);
            sources.add(row.getString("source"));
        }
        return sources;
    }

    private String listingPrefix(String id) {
        return await(database.preparedQuery("SELECT listing_prefix FROM jobs WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id)))).iterator().next().getString("listing_prefix");
    }

    private long count(String sql, String id) {
        return await(database.preparedQuery(sql).execute(Tuple.of(UUID.fromString(id)))).iterator().next()
                .getLong("n");
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(60));
    }
}
