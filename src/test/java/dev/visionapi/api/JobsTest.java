package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import dev.visionapi.sources.S3ProxyResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Jobs end to end on a real PostgreSQL (embedded), S3 (S3Proxy) and the Bedrock emulator, with API keys on: created,
 * followed, read, listed and cancelled; failing images, model output invalid twice and Bedrock's refusals become
 * failed items with their problems; throttling is waited out; an item whose replica died is taken again and has one
 * result.
 */
@QuarkusTest
@TestProfile(JobsTest.WithKeys.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class JobsTest {

    private static final String KEY = "jobs-key-one";
    private static final String OTHER_KEY = "jobs-key-two";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * Two keys, and few workers, so that a cancelled job still has items pending; a short lease, the period after
     * which a job left running with all its items done is completed.
     */
    public static class WithKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("auth.api-keys", KEY + "," + OTHER_KEY, "jobs.workers.concurrency", "2",
                    "jobs.workers.poll-interval", "200ms", "jobs.lease", "10s");
        }
    }

    @Inject
    Pool database;

    @BeforeEach
    void reset() {
        bedrock().reset();
    }

    @Test
    void aJobIsCreatedFollowedAndItsResultsRead() {
        ExtractableResponse<Response> created = as(KEY).contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"),
                        Map.of("s3", "s3://images/cat-chelsea.png"))), "preset", "caption"))
                .when().post("/v1/jobs")
                .then().statusCode(202).header("Location", containsString("/v1/jobs/"))
                .body("status", equalTo("queued")).body("engine", equalTo("on-demand"))
                .body("counts.total", equalTo(2)).body("counts.pending", equalTo(2))
                .extract();
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith(id);

        JsonNode job = awaitJob(KEY, id, status -> status.equals("completed"));
        assertThat(job.at("/counts/succeeded").asInt()).isEqualTo(2);
        assertThat(job.at("/counts/failed").asInt()).isZero();
        assertThat(job.at("/counts/pending").asInt()).isZero();
        assertThat(job.at("/usage/inputTokens").asLong()).isPositive();
        assertThat(job.path("startedAt").isTextual()).isTrue();
        assertThat(job.path("finishedAt").isTextual()).isTrue();

        List<JsonNode> results = results(KEY, id, "");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).path("index").asInt()).isZero();
        assertThat(results.get(0).path("source").asText()).isEqualTo("sample:cat-chelsea");
        assertThat(results.get(1).path("source").asText()).isEqualTo("s3://images/cat-chelsea.png");
        assertThat(results).allSatisfy(result -> {
            assertThat(result.path("status").asText()).isEqualTo("succeeded");
            assertThat(result.path("text").asText()).isNotBlank();
            assertThat(result.at("/usage/outputTokens").asInt()).isPositive();
        });
        assertThat(results(KEY, id, "?after=0&limit=5")).extracting(result -> result.path("index").asInt())
                .containsExactly(1);
        assertThat(bedrock().calls()).hasSize(2);
    }

    @Test
    void aPrefixsMissingAndDamagedImagesFailWithTheirProblemsAndTheJobCompletes() {
        String prefix = "prefix-" + UUID.randomUUID() + "/";
        S3ProxyResource.put(S3ProxyResource.BUCKET, prefix + "a-cat.png", S3ProxyResource.sample("cat-chelsea.png"));
        S3ProxyResource.put(S3ProxyResource.BUCKET, prefix + "b-not-an-image.jpg",
                "plain text, not a picture".getBytes(StandardCharsets.UTF_8));
        S3ProxyResource.put(S3ProxyResource.BUCKET, prefix + "c-notes.txt", "ignored".getBytes(StandardCharsets.UTF_8));
        String output = "results-" + UUID.randomUUID() + "/";

        String id = as(KEY).contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("s3Prefix", "s3://images/" + prefix), "preset", "caption",
                        "output", Map.of("s3Prefix", "s3://images/" + output)))
                .when().post("/v1/jobs")
                .then().statusCode(202).body("counts.total", equalTo(0)).extract().path("id");

        JsonNode job = awaitJob(KEY, id, status -> status.equals("completed"));
        assertThat(job.at("/counts/total").asInt()).as("listed in the background").isEqualTo(2);
        assertThat(job.at("/counts/succeeded").asInt()).isEqualTo(1);
        assertThat(job.at("/counts/failed").asInt()).isEqualTo(1);
        List<JsonNode> results = results(KEY, id, "");
        assertThat(results.get(0).path("source").asText()).endsWith("a-cat.png");
        assertThat(results.get(0).path("status").asText()).isEqualTo("succeeded");
        JsonNode failed = results.get(1);
        assertThat(failed.path("source").asText()).endsWith("b-not-an-image.jpg");
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/problem/type").asText()).isEqualTo("urn:visionapi:problem:unsupported-media-type");
        assertThat(failed.at("/problem/status").asInt()).isEqualTo(415);
        assertThat(failed.has("text")).isFalse();

        String missing = "s3://images/no-such-" + UUID.randomUUID() + ".png";
        String second = as(KEY).contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", List.of(Map.of("s3", missing))), "prompt", "What is this?"))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");
        awaitJob(KEY, second, status -> status.equals("completed"));
        JsonNode notFound = results(KEY, second, "").get(0);
        assertThat(notFound.at("/problem/type").asText()).isEqualTo("urn:visionapi:problem:source-not-found");
        assertThat(notFound.at("/problem/status").asInt()).isEqualTo(404);

        awaitTrue(() -> S3ProxyResource.get(S3ProxyResource.BUCKET, output + id + ".jsonl") != null);
        String file = new String(S3ProxyResource.get(S3ProxyResource.BUCKET, output + id + ".jsonl"),
                StandardCharsets.UTF_8);
        assertThat(file.lines()).hasSize(2);
        assertThat(file).isEqualTo(as(KEY).get("/v1/jobs/" + id + "/results").then().extract().asString());
    }

    @Test
    void requestsAreCheckedBeforeAnythingIsQueued() {
        int jobs = jobCount(KEY);
        expectInvalid(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea")))),
                400, "invalid-request", "preset");
        expectInvalid(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"))),
                "preset", "no-such-preset"), 400, "invalid-request", "no-such-preset");
        expectInvalid(Map.of("source", Map.of("images", List.of(Map.of("sample", "no-such-sample"))),
                "preset", "caption"), 400, "invalid-request", "source.images[0].sample");
        expectInvalid(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea", "s3", "s3://images/x.png"))),
                "preset", "caption"), 400, "invalid-request", "source.images[0]");
        expectInvalid(Map.of("source", Map.of("s3Prefix", "s3://other-images/"), "preset", "caption"),
                400, "source-forbidden", "source.s3Prefix");
        expectInvalid(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"))), "preset", "caption",
                "output", Map.of("s3Prefix", "s3://other-images/out/")), 400, "source-forbidden", "output.s3Prefix");
        expectInvalid(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"))), "preset", "caption",
                "engine", "bedrock-batch"), 400, "invalid-request", "engine");
        expectInvalid(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"))), "preset", "caption",
                "model", "no.such-model"), 400, "invalid-request", "no.such-model");
        assertThat(jobCount(KEY)).as("jobs of the key").isEqualTo(jobs);
    }

    @Test
    void aCancelledJobRunsNoMoreItems() {
        bedrock().latency(Duration.ofMillis(500));
        List<Map<String, String>> images = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            images.add(Map.of("sample", "cat-chelsea"));
        }
        String id = as(KEY).contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", images), "preset", "caption"))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");

        as(KEY).delete("/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("cancelled"))
                .body("finishedAt", startsWith("20"));
        // The items under way when it was cancelled finish; nothing else is taken up.
        awaitTrue(() -> bedrock().maxInFlight() == 0 || bedrock().calls().size() <= 2);
        sleep(Duration.ofSeconds(2));
        JsonNode job = job(KEY, id);
        assertThat(job.path("status").asText()).isEqualTo("cancelled");
        int finished = job.at("/counts/succeeded").asInt() + job.at("/counts/failed").asInt();
        assertThat(finished).isLessThanOrEqualTo(2);
        assertThat(job.at("/counts/pending").asInt()).isEqualTo(12 - finished);
        assertThat(bedrock().calls()).hasSizeLessThanOrEqualTo(2);
        assertThat(results(KEY, id, "")).hasSize(finished);
        as(KEY).delete("/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("cancelled"));
    }

    @Test
    void aKeySeesOnlyItsOwnJobsNewestFirst() {
        String first = createSample(KEY);
        String second = createSample(KEY);
        String others = createSample(OTHER_KEY);

        as(OTHER_KEY).get("/v1/jobs/" + first).then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:job-not-found"));
        as(OTHER_KEY).get("/v1/jobs/" + first + "/results").then().statusCode(404);
        as(OTHER_KEY).delete("/v1/jobs/" + first).then().statusCode(404);
        as(KEY).get("/v1/jobs/" + others).then().statusCode(404);
        as(KEY).get("/v1/jobs/not-a-uuid").then().statusCode(404);
        given().get("/v1/jobs/" + first).then().statusCode(401);

        ExtractableResponse<Response> page = as(KEY).queryParam("limit", 1).get("/v1/jobs").then().statusCode(200)
                .extract();
        assertThat(page.<String>path("jobs[0].id")).isEqualTo(second);
        String next = page.path("next");
        assertThat(next).isNotBlank();
        assertThat(as(KEY).queryParam("limit", 1).queryParam("cursor", next).get("/v1/jobs").then().statusCode(200)
                .extract().<String>path("jobs[0].id")).isEqualTo(first);
        List<String> all = as(KEY).queryParam("limit", 500).get("/v1/jobs").then().extract().path("jobs.id");
        assertThat(all).contains(first, second).doesNotContain(others);
        as(KEY).queryParam("cursor", "garbage").get("/v1/jobs").then().statusCode(400);
    }

    @Test
    void throttlingMidJobIsWaitedOutNotFailed() {
        bedrock().always(new Reply(EmulatorReply.error(429, "ThrottlingException", "Too many requests")));
        String id = as(KEY).contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"),
                        Map.of("sample", "person-astronaut"))), "preset", "caption"))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");

        awaitTrue(() -> bedrock().calls().size() >= 2);
        sleep(Duration.ofSeconds(1));
        JsonNode throttled = job(KEY, id);
        assertThat(throttled.at("/counts/failed").asInt()).isZero();
        assertThat(throttled.at("/counts/pending").asInt()).isEqualTo(2);

        bedrock().reset();
        JsonNode job = awaitJob(KEY, id, status -> status.equals("completed"));
        assertThat(job.at("/counts/succeeded").asInt()).isEqualTo(2);
        assertThat(results(KEY, id, "")).allSatisfy(result -> assertThat(result.path("status").asText())
                .isEqualTo("succeeded"));
    }

    @Test
    void modelOutputInvalidTwiceFailsTheItemWithItsProblemAndTheJobCompletes() {
        bedrock().always(new Reply(EmulatorReply.toolUse("record_result",
                new io.vertx.core.json.JsonObject().put("category", "Spaceship").put("confidence", 7), 1500, 10)));
        String id = as(KEY).contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"))),
                        "preset", "classification"))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");

        JsonNode job = awaitJob(KEY, id, status -> status.equals("completed"));
        assertThat(job.at("/counts/failed").asInt()).isEqualTo(1);
        assertThat(job.at("/counts/pending").asInt()).isZero();
        JsonNode failed = results(KEY, id, "").get(0);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/problem/type").asText()).isEqualTo("urn:visionapi:problem:model-output-invalid");
        assertThat(failed.at("/problem/status").asInt()).isEqualTo(502);
        assertThat(failed.has("data")).isFalse();
        assertThat(bedrock().calls()).as("the malformed answer is asked for again once, as by /v1/analyses")
                .hasSize(2);
    }

    @Test
    void aBedrockValidationErrorFailsTheItemWithItsProblemAndTheJobCompletes() {
        bedrock().always(new Reply(EmulatorReply.error(400, "ValidationException",
                "max_tokens: 8192 > 4096, which is the maximum allowed number of output tokens")));
        String id = as(KEY).contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"))), "preset", "caption"))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");

        JsonNode job = awaitJob(KEY, id, status -> status.equals("completed"));
        assertThat(job.at("/counts/failed").asInt()).isEqualTo(1);
        assertThat(job.at("/counts/pending").asInt()).isZero();
        JsonNode failed = results(KEY, id, "").get(0);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/problem/type").asText()).isEqualTo("urn:visionapi:problem:model-rejected-request");
        assertThat(failed.at("/problem/status").asInt()).isEqualTo(400);
        assertThat(failed.at("/problem/detail").asText()).contains("maximum allowed number of output tokens");
        assertThat(bedrock().calls()).as("a refusal is not retried").hasSize(1);
    }

    /**
     * A replica claimed two items and died: one after writing its result (it had not marked the item done), one
     * before. When their leases pass, both are taken again; the first keeps the result it has, the second gets one.
     */
    @Test
    void itemsOfADeadReplicaAreTakenAgainAndHaveOneResultEach() {
        UUID id = UUID.randomUUID();
        String request = "{\"preset\":\"caption\",\"parameters\":{}}";
        await(database.preparedQuery("""
                INSERT INTO jobs (id, owner_key, status, engine, model, request, total, started_at)
                VALUES ($1, $2, 'running', 'on-demand', $3, $4::jsonb, 2, now())""")
                .execute(Tuple.of(id, keyName(KEY), "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                        new io.vertx.core.json.JsonObject(request))));
        await(database.preparedQuery("""
                INSERT INTO job_items (job_id, idx, source, status, lease_until, attempts, claimed_by)
                VALUES ($1, 0, 'sample:cat-chelsea', 'running', now() + interval '1 second', 1, 'dead-replica'),
                       ($1, 1, 'sample:cat-chelsea', 'running', now() + interval '1 second', 1, 'dead-replica')""")
                .execute(Tuple.of(id)));
        await(database.preparedQuery("""
                INSERT INTO job_results (job_id, idx, status, text)
                VALUES ($1, 0, 'succeeded', 'written by the replica that died')""").execute(Tuple.of(id)));

        JsonNode job = awaitJob(KEY, id.toString(), status -> status.equals("completed"));
        assertThat(job.at("/counts/succeeded").asInt()).isEqualTo(2);
        List<JsonNode> results = results(KEY, id.toString(), "");
        assertThat(results).extracting(result -> result.path("index").asInt()).containsExactly(0, 1);
        assertThat(results.get(0).path("text").asText()).isEqualTo("written by the replica that died");
        assertThat(await(database.preparedQuery("SELECT count(*) AS n FROM job_results WHERE job_id = $1")
                .execute(Tuple.of(id))).iterator().next().getLong("n")).isEqualTo(2);
        assertThat(await(database.preparedQuery("SELECT min(attempts) AS n FROM job_items WHERE job_id = $1")
                .execute(Tuple.of(id))).iterator().next().getInteger("n")).isEqualTo(2);
    }

    /**
     * A replica stored the last result of a job and died before completing the job: within a lease another replica
     * completes it.
     */
    @Test
    void aJobWhoseLastReplicaDiedAfterItsLastResultIsCompleted() {
        UUID id = UUID.randomUUID();
        await(database.preparedQuery("""
                INSERT INTO jobs (id, owner_key, status, engine, model, request, total, started_at)
                VALUES ($1, $2, 'running', 'on-demand', $3, $4::jsonb, 1, now())""")
                .execute(Tuple.of(id, keyName(KEY), "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                        new io.vertx.core.json.JsonObject("{\"preset\":\"caption\",\"parameters\":{}}"))));
        await(database.preparedQuery("""
                INSERT INTO job_items (job_id, idx, source, status, attempts, claimed_by)
                VALUES ($1, 0, 'sample:cat-chelsea', 'done', 1, 'dead-replica')""").execute(Tuple.of(id)));
        await(database.preparedQuery("""
                INSERT INTO job_results (job_id, idx, status, text)
                VALUES ($1, 0, 'succeeded', 'written by the replica that died')""").execute(Tuple.of(id)));

        JsonNode job = awaitJob(KEY, id.toString(), status -> status.equals("completed"));
        assertThat(job.at("/counts/succeeded").asInt()).isEqualTo(1);
        assertThat(job.path("finishedAt").isTextual()).isTrue();
        assertThat(bedrock().calls()).isEmpty();
    }

    private static String createSample(String key) {
        return as(key).contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"))), "preset", "caption"))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");
    }

    private static void expectInvalid(Map<String, Object> body, int status, String type, String named) {
        as(KEY).contentType(ContentType.JSON).body(body).when().post("/v1/jobs")
                .then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:" + type))
                .body(containsString(named));
    }

    private static int jobCount(String key) {
        return as(key).queryParam("limit", 500).get("/v1/jobs").then().statusCode(200).extract().<List<String>>path(
                "jobs.id").size();
    }

    private static RequestSpecification as(String key) {
        return given().header("X-API-Key", key);
    }

    /** The key's name as the service logs it: the first 8 hex digits of its SHA-256. */
    private static String keyName(String key) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode job(String key, String id) {
        return read(as(key).get("/v1/jobs/" + id).then().statusCode(200).extract().asString());
    }

    private static JsonNode awaitJob(String key, String id, Predicate<String> status) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode job = job(key, id);
            if (status.test(job.path("status").asText())) {
                return job;
            }
            assertThat(System.nanoTime() - deadline).as("job %s still %s", id, job).isNegative();
            sleep(Duration.ofMillis(100));
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition not met in time").isNegative();
            sleep(Duration.ofMillis(100));
        }
    }

    private static List<JsonNode> results(String key, String id, String query) {
        String body = as(key).get("/v1/jobs/" + id + "/results" + query).then().statusCode(200)
                .contentType("application/x-ndjson").extract().asString();
        return Arrays.stream(body.split("\n")).filter(line -> !line.isBlank()).map(JobsTest::read).toList();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(io.smallrye.mutiny.Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
