package dev.visionapi.jobs;

import static dev.visionapi.jobs.JobPolling.WAIT;
import static dev.visionapi.jobs.JobPolling.awaitJob;
import static dev.visionapi.jobs.JobPolling.awaitTrue;
import static dev.visionapi.jobs.JobPolling.job;
import static dev.visionapi.jobs.JobPolling.read;
import static dev.visionapi.jobs.JobPolling.sleep;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.bedrock.ModelCatalog;
import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.TestEmulator;
import dev.visionapi.jobs.batch.BatchJobs;
import dev.visionapi.jobs.batch.BatchRecordId;
import dev.visionapi.sources.S3ProxyResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * Jobs on the bedrock-batch engine end to end over HTTP, on a real PostgreSQL (embedded), S3 (S3Proxy, for the images
 * and the staging prefix) and the emulator's Bedrock batch API: chosen explicitly or by {@code auto}, staged, run,
 * collected with one result per item at batch prices, Bedrock jobs that fail, complete partly or are stopped, and two
 * pollers at once; the items of a file below Bedrock's minimum per job run on demand at on-demand prices, and an ended
 * job's staged files are deleted.
 */
@QuarkusTest
@TestProfile(BatchEngineTest.Batch.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class BatchEngineTest {

    private static final String STAGING = "batch-staging";
    private static final String MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    // Bedrock's minimum records per job, here and in the emulator: a file of one record runs on demand.
    private static final int MIN_RECORDS_PER_JOB = 2;

    /** Batch configured, from 3 items on, in Bedrock jobs of 2 to 3 records, polled often. */
    public static class Batch implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobs.batch.staging", "s3://" + STAGING + "/jobs/",
                    "jobs.batch.role-arn", "arn:aws:iam::123456789012:role/bedrock-batch",
                    "jobs.batch.min-records", "3",
                    "jobs.batch.max-records-per-job", "3",
                    "jobs.batch.min-records-per-job", Integer.toString(MIN_RECORDS_PER_JOB),
                    "jobs.batch.poll-interval", "200ms",
                    "jobs.workers.poll-interval", "200ms");
        }
    }

    @Inject
    Pool database;
    @Inject
    S3AsyncClient s3;
    @Inject
    ModelCatalog models;
    @Inject
    BatchPoller poller;
    @Inject
    BatchJobs batchJobs;
    @Inject
    ModelBackoff backoff;

    @BeforeEach
    void stage() {
        try {
            s3.createBucket(create -> create.bucket(STAGING)).join();
        } catch (CompletionException e) {
            assertThat(e).hasCauseInstanceOf(BucketAlreadyOwnedByYouException.class);
        }
        emulator().resetBatch();
        emulator().batchStorage(s3);
        emulator().batchDelay(Duration.ofMillis(50));
        emulator().batchMinRecordsPerJob(MIN_RECORDS_PER_JOB);
    }

    @AfterEach
    void reset() {
        emulator().resetBatch();
        backoff.resume(MODEL);
    }

    @Test
    void aBatchJobOverAPrefixHasOneResultPerItemAtBatchPricesAndFailedRecordsAsFailedItems() {
        String prefix = "batch-" + UUID.randomUUID() + "/";
        List<String> samples = List.of("cat-chelsea.png", "food-coffee.png", "person-astronaut.png",
                "person-camera.png", "text-sign.png", "vehicle-rocket.jpg");
        for (int i = 0; i < samples.size(); i++) {
            S3ProxyResource.put(S3ProxyResource.BUCKET, prefix + i + "-" + samples.get(i),
                    S3ProxyResource.sample(samples.get(i)));
        }
        S3ProxyResource.put(S3ProxyResource.BUCKET, prefix + "6-not-an-image.jpg",
                "plain text, not a picture".getBytes(StandardCharsets.UTF_8));
        // Items 2 and 4 are records the emulator answers with an error object.
        emulator().failBatchRecords(Set.of(BatchRecordId.of(2), BatchRecordId.of(4)));
        String output = "batch-results-" + UUID.randomUUID() + "/";

        String id = given().contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("s3Prefix", "s3://images/" + prefix), "preset", "classification",
                        "parameters", Map.of("categories", "Animal, Food, Other"), "model", MODEL,
                        "engine", "bedrock-batch", "output", Map.of("s3Prefix", "s3://images/" + output)))
                .when().post("/v1/jobs")
                .then().statusCode(202).body("counts.total", equalTo(0)) // the prefix is listed in the background
                .extract().path("id");

        JsonNode job = awaitJob(id, "completed"::equals);
        assertThat(job.path("engine").asText()).isEqualTo("bedrock-batch");
        assertThat(job.at("/counts/total").asInt()).isEqualTo(7);
        assertThat(job.at("/counts/succeeded").asInt()).isEqualTo(4);
        assertThat(job.at("/counts/failed").asInt()).isEqualTo(3);
        assertThat(job.at("/counts/pending").asInt()).isZero();
        List<JsonNode> results = results(id);
        assertThat(results).extracting(result -> result.path("index").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6);
        ModelProfile model = models.select(Optional.of(MODEL));
        BigDecimal cost = BigDecimal.ZERO;
        for (JsonNode result : results) {
            int index = result.path("index").asInt();
            if (index == 2 || index == 4) {
                assertThat(result.path("status").asText()).isEqualTo("failed");
                assertThat(result.at("/problem/type").asText()).isEqualTo("urn:visionapi:problem:bedrock-failed");
                assertThat(result.at("/problem/detail").asText()).isNotBlank();
            } else if (index == 6) {
                // It failed its preparation: it never became a record.
                assertThat(result.at("/problem/type").asText())
                        .isEqualTo("urn:visionapi:problem:unsupported-media-type");
            } else {
                assertThat(result.path("status").asText()).isEqualTo("succeeded");
                assertThat(result.at("/data/category").asText()).isEqualTo("Animal");
                assertThat(result.path("text").asText()).isEqualTo("Animal");
                int in = result.at("/usage/inputTokens").asInt();
                int out = result.at("/usage/outputTokens").asInt();
                assertThat(in).isPositive();
                BigDecimal batchCost = model.estimatedBatchCostUsd(in, out);
                assertThat(result.at("/usage/estimatedCostUsd").decimalValue()).isEqualByComparingTo(batchCost)
                        .isLessThan(model.estimatedCostUsd(in, out));
                cost = cost.add(batchCost);
            }
        }
        assertThat(job.at("/usage/estimatedCostUsd").decimalValue()).isEqualByComparingTo(cost);
        // Six records in Bedrock jobs of three: two parts; no on-demand worker took an item.
        assertThat(count("SELECT count(*) AS n FROM job_batch_parts WHERE job_id = $1 AND arn IS NOT NULL", id))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) AS n FROM job_items WHERE job_id = $1 AND attempts > 0", id)).isZero();
        awaitTrue(() -> S3ProxyResource.get(S3ProxyResource.BUCKET, output + id + ".jsonl") != null);
        assertThat(new String(S3ProxyResource.get(S3ProxyResource.BUCKET, output + id + ".jsonl"),
                StandardCharsets.UTF_8)).isEqualTo(given().get("/v1/jobs/" + id + "/results").asString());
        // Its input files, Bedrock's output files and manifests: all gone once the job has ended.
        awaitTrue(() -> staged(id).isEmpty());
    }

    /**
     * Seven items in files of three: a third file would be a Bedrock job of one record, below the minimum, so that item
     * runs on demand. It finishes first; the job completes when the Bedrock jobs have been collected.
     */
    @Test
    void theItemsOfAFileBelowTheMinimumRunOnDemandAndTheBatchPartsEndingLastCompleteTheJob() {
        emulator().batchDelay(Duration.ofHours(1));
        String id = create(samples(7), "bedrock-batch");

        awaitTrue(() -> count("SELECT count(*) AS n FROM job_results WHERE job_id = $1", id) == 1);
        assertThat(count("SELECT count(*) AS n FROM job_batch_parts WHERE job_id = $1 AND arn IS NOT NULL", id))
                .isEqualTo(2);
        assertThat(strings("SELECT idx::text AS s FROM job_items WHERE job_id = $1 AND on_demand", id))
                .containsExactly("6");
        JsonNode waiting = job(id);
        assertThat(waiting.path("status").asText()).isEqualTo("running");
        assertThat(waiting.at("/counts/pending").asInt()).isEqualTo(6);

        emulator().runWaitingBatchJobs();

        assertOneResultPerItemPricedByEngine(awaitJob(id, "completed"::equals), 7, Set.of(6));
        awaitTrue(() -> staged(id).isEmpty());
    }

    /** As above, but the on-demand item is held back until the Bedrock jobs are collected: it completes the job. */
    @Test
    void theItemsOfAFileBelowTheMinimumEndingLastCompleteTheJob() {
        backoff.pause(MODEL, Duration.ofHours(1));
        String id = create(samples(7), "bedrock-batch");

        awaitTrue(() -> count("SELECT count(*) AS n FROM job_batch_parts WHERE job_id = $1 AND collected", id) == 2);
        assertThat(count("SELECT count(*) AS n FROM job_batch_parts WHERE job_id = $1", id)).isEqualTo(2);
        JsonNode waiting = job(id);
        assertThat(waiting.path("status").asText()).isEqualTo("running");
        assertThat(waiting.at("/counts/succeeded").asInt()).isEqualTo(6);
        assertThat(waiting.at("/counts/pending").asInt()).isEqualTo(1);

        backoff.resume(MODEL);

        assertOneResultPerItemPricedByEngine(awaitJob(id, "completed"::equals), 7, Set.of(6));
        awaitTrue(() -> staged(id).isEmpty());
    }

    @Test
    void bedrockBatchIsRefusedForFewerItemsThanBedrocksMinimumPerJob() {
        given().contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", samples(1)), "preset", "caption", "model", MODEL,
                        "engine", "bedrock-batch"))
                .when().post("/v1/jobs").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:invalid-request"))
                .body("detail", containsString("'engine'"))
                .body("detail", containsString("jobs of " + MIN_RECORDS_PER_JOB + " images or more"))
                .body("detail", containsString("jobs.batch.min-records-per-job"))
                .body("detail", containsString("'auto'"));
    }

    @Test
    void autoRunsOnBatchFromMinRecordsOnAndOnDemandBelow() {
        String batch = create(samples(3), "auto");
        String onDemand = create(samples(2), "auto");

        JsonNode batchJob = awaitJob(batch, "completed"::equals);
        JsonNode onDemandJob = awaitJob(onDemand, "completed"::equals);

        assertThat(batchJob.path("engine").asText()).isEqualTo("bedrock-batch");
        assertThat(batchJob.at("/counts/succeeded").asInt()).isEqualTo(3);
        assertThat(onDemandJob.path("engine").asText()).isEqualTo("on-demand");
        assertThat(onDemandJob.at("/counts/succeeded").asInt()).isEqualTo(2);
        // A model the catalogue does not mark batch-capable runs on demand with auto, and is refused batch.
        given().contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", samples(3)), "preset", "caption", "engine", "auto",
                        "model", "example.custom-vision-v1:0"))
                .when().post("/v1/jobs").then().statusCode(202).body("engine", equalTo("on-demand"));
        given().contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", samples(3)), "preset", "caption", "engine", "bedrock-batch",
                        "model", "example.custom-vision-v1:0"))
                .when().post("/v1/jobs").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:invalid-request")).body(containsString("'engine'"));
    }

    @Test
    void aBedrockJobThatFailsFailsItsItemsAndTheJobCompletes() {
        emulator().failBatchJobs();

        JsonNode job = awaitJob(create(samples(4), "bedrock-batch"), "completed"::equals);

        assertThat(job.at("/counts/failed").asInt()).isEqualTo(4);
        assertThat(results(job.path("id").asText())).hasSize(4).allSatisfy(result -> {
            assertThat(result.path("status").asText()).isEqualTo("failed");
            assertThat(result.at("/problem/type").asText()).isEqualTo("urn:visionapi:problem:bedrock-failed");
            assertThat(result.at("/problem/detail").asText()).contains("Failed");
        });
    }

    @Test
    void aPartiallyCompletedBedrockJobFailsTheItemsItDidNotAnswer() {
        emulator().completeBatchJobsPartially();

        String id = create(samples(3), "bedrock-batch");
        JsonNode job = awaitJob(id, "completed"::equals);

        int succeeded = job.at("/counts/succeeded").asInt();
        assertThat(succeeded).isPositive().isLessThan(3);
        assertThat(job.at("/counts/failed").asInt()).isEqualTo(3 - succeeded);
        assertThat(results(id)).hasSize(3).filteredOn(result -> result.path("status").asText().equals("failed"))
                .allSatisfy(result -> assertThat(result.at("/problem/detail").asText())
                        .contains("PartiallyCompleted"));
    }

    @Test
    void cancellingABatchJobStopsItsBedrockJobsAndRunsNoItem() {
        emulator().batchDelay(Duration.ofHours(1));
        String output = "batch-cancelled-" + UUID.randomUUID() + "/";
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", samples(4)), "preset", "caption", "model", MODEL,
                        "engine", "bedrock-batch", "output", Map.of("s3Prefix", "s3://images/" + output)))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");
        awaitTrue(() -> count("SELECT count(*) AS n FROM job_batch_parts WHERE job_id = $1 AND arn IS NOT NULL", id)
                == 2);

        given().delete("/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("cancelled"));

        awaitTrue(() -> count("SELECT count(*) AS n FROM job_batch_parts WHERE job_id = $1 AND collected", id) == 2);
        assertThat(strings("SELECT status AS s FROM job_batch_parts WHERE job_id = $1", id))
                .containsOnly("Stopped");
        JsonNode job = job(id);
        assertThat(job.path("status").asText()).isEqualTo("cancelled");
        assertThat(job.at("/counts/pending").asInt()).isEqualTo(4);
        assertThat(results(id)).isEmpty();
        // The results file of a job without results is there, and empty.
        awaitTrue(() -> S3ProxyResource.get(S3ProxyResource.BUCKET, output + id + ".jsonl") != null);
        assertThat(S3ProxyResource.get(S3ProxyResource.BUCKET, output + id + ".jsonl")).isEmpty();
        // Its staged input files are deleted too, once its stopped Bedrock jobs have been collected.
        awaitTrue(() -> staged(id).isEmpty());
    }

    @Test
    void aBedrockJobStoppedElsewhereCancelsTheJob() {
        emulator().batchDelay(Duration.ofHours(1));
        String id = create(samples(3), "bedrock-batch");
        awaitTrue(() -> count("SELECT count(*) AS n FROM job_batch_parts WHERE job_id = $1 AND arn IS NOT NULL", id)
                == 1);

        // As an operator would in the console: the service did not ask for it.
        batchJobs.stop(strings("SELECT arn AS s FROM job_batch_parts WHERE job_id = $1", id).get(0))
                .await().atMost(WAIT);

        JsonNode job = awaitJob(id, "cancelled"::equals);
        assertThat(job.at("/counts/pending").asInt()).isEqualTo(3);
        assertThat(results(id)).isEmpty();
    }

    /** The service died after Bedrock created a part's job but before its ARN was stored: it is found, not doubled. */
    @Test
    void aPartCreatedBeforeACrashIsNotCreatedTwice() {
        emulator().batchDelay(Duration.ofHours(1));
        String id = create(samples(3), "bedrock-batch");
        awaitTrue(() -> count("SELECT count(*) AS n FROM job_batch_parts WHERE job_id = $1 AND arn IS NOT NULL", id)
                == 1);
        String arn = strings("SELECT arn AS s FROM job_batch_parts WHERE job_id = $1", id).get(0);

        database.preparedQuery("UPDATE job_batch_parts SET arn = NULL, status = 'Unsubmitted' WHERE job_id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT);

        awaitTrue(() -> count("SELECT count(*) AS n FROM job_batch_parts WHERE job_id = $1 AND arn IS NOT NULL", id)
                == 1);
        assertThat(strings("SELECT arn AS s FROM job_batch_parts WHERE job_id = $1", id)).containsExactly(arn);
        given().delete("/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("cancelled"));
    }

    @Test
    void twoPollersAtOnceStoreOneResultPerItemAndCreateEachBedrockJobOnce() {
        emulator().batchDelay(Duration.ofMillis(300));
        String id = create(samples(5), "bedrock-batch");

        // As if two replicas both followed the batch jobs: steps run concurrently until the job is done.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!job(id).path("status").asText().equals("completed")) {
            Uni.join().all(poller.step(), poller.step()).andFailFast().await().atMost(WAIT);
            assertThat(System.nanoTime() - deadline).as("job %s still running", id).isNegative();
        }

        assertThat(results(id)).extracting(result -> result.path("index").asInt()).containsExactly(0, 1, 2, 3, 4);
        assertThat(count("SELECT count(*) AS n FROM job_results WHERE job_id = $1", id)).isEqualTo(5);
        assertThat(count("SELECT count(*) AS n FROM job_batch_parts WHERE job_id = $1", id)).isEqualTo(2);
        assertThat(count("SELECT count(DISTINCT arn) AS n FROM job_batch_parts WHERE job_id = $1", id)).isEqualTo(2);
        // And only one replica holds the lock: another session cannot take it while this replica leads.
        awaitTrue(() -> !new BatchLeader(database).lead().await().atMost(WAIT));
    }

    /** One result per item, on-demand items at on-demand prices and the others at batch prices, which the job sums. */
    private void assertOneResultPerItemPricedByEngine(JsonNode job, int items, Set<Integer> onDemand) {
        String id = job.path("id").asText();
        assertThat(job.at("/counts/succeeded").asInt()).isEqualTo(items);
        assertThat(job.at("/counts/pending").asInt()).isZero();
        assertThat(job.path("finishedAt").asText()).isNotBlank();
        List<JsonNode> results = results(id);
        assertThat(results).extracting(result -> result.path("index").asInt())
                .containsExactlyElementsOf(IntStream.range(0, items).boxed().toList());
        assertThat(count("SELECT count(*) AS n FROM job_results WHERE job_id = $1", id)).isEqualTo(items);
        ModelProfile model = models.select(Optional.of(MODEL));
        BigDecimal cost = BigDecimal.ZERO;
        for (JsonNode result : results) {
            int in = result.at("/usage/inputTokens").asInt();
            int out = result.at("/usage/outputTokens").asInt();
            BigDecimal expected = onDemand.contains(result.path("index").asInt()) ? model.estimatedCostUsd(in, out)
                    : model.estimatedBatchCostUsd(in, out);
            assertThat(result.at("/usage/estimatedCostUsd").decimalValue()).isEqualByComparingTo(expected);
            cost = cost.add(expected);
        }
        assertThat(job.at("/usage/estimatedCostUsd").decimalValue()).isEqualByComparingTo(cost);
        // Only the on-demand items were claimed by a worker, once each.
        assertThat(strings("SELECT idx::text AS s FROM job_items WHERE job_id = $1 AND attempts > 0 ORDER BY idx", id))
                .containsExactlyElementsOf(onDemand.stream().sorted().map(String::valueOf).toList());
    }

    /** The keys under the job's staging folder. */
    private List<String> staged(String id) {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(list -> list.bucket(STAGING).prefix("jobs/" + id + "/")).contents()
                .subscribe(object -> keys.add(object.key())).join();
        return keys;
    }

    private static List<Map<String, String>> samples(int count) {
        List<String> ids = List.of("cat-chelsea", "food-coffee", "person-astronaut", "person-camera", "text-sign");
        List<Map<String, String>> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(Map.of("sample", ids.get(i % ids.size())));
        }
        return images;
    }

    private static String create(List<Map<String, String>> images, String engine) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", images), "preset", "caption", "model", MODEL,
                        "engine", engine))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");
    }

    private long count(String sql, String id) {
        Row row = database.preparedQuery(sql).execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT)
                .iterator().next();
        return row.getLong("n");
    }

    private List<String> strings(String sql, String id) {
        List<String> values = new ArrayList<>();
        database.preparedQuery(sql).execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT)
                .forEach(row -> values.add(row.getString("s")));
        return values;
    }

    private static List<JsonNode> results(String id) {
        String body = given().get("/v1/jobs/" + id + "/results").then().statusCode(200)
                .contentType("application/x-ndjson").extract().asString();
        return Arrays.stream(body.split("\n")).filter(line -> !line.isBlank()).map(JobPolling::read).toList();
    }

    private static TestEmulator emulator() {
        return BedrockEmulatorResource.emulator();
    }
}
