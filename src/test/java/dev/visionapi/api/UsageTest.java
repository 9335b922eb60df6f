package dev.visionapi.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Usage and budgets per API key, on a real PostgreSQL (embedded) and the Bedrock emulator, with keys from a key file:
 * {@code /v1/usage} sums what the analyses (JSON and streamed, two models) and a job's items answered; a key over its
 * budget gets 429 {@code budget-exceeded} on analyses and jobs while another key goes on; a bare key keeps its digest
 * name.
 */
@QuarkusTest
@TestProfile(UsageTest.WithKeyFile.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class UsageTest {

    static final String HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String LLAMA = "us.meta.llama3-2-11b-instruct-v1:0";
    private static final String KEY_A = "usage-key-a-51f0";
    private static final String KEY_B = "usage-key-b-8c2e";
    private static final String TIGHT_KEY = "usage-key-tight-03d9";
    private static final String BARE_KEY = "usage-bare-key-77a1";
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The keys in a key file of all three kinds of line; a job worker that looks for work often. */
    public static class WithKeyFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path file;
            try {
                file = Files.createTempFile("api-keys", ".txt");
                Files.writeString(file, """
                        # usage test keys
                        team-a:%s
                        team-b:%s:
                        tight:%s:0.000001
                        %s
                        """.formatted(KEY_A, KEY_B, TIGHT_KEY, BARE_KEY));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            file.toFile().deleteOnExit();
            return Map.of("auth.api-keys-file", file.toString(), "jobs.workers.poll-interval", "200ms");
        }
    }

    @Test
    void usageSumsWhatTheAnalysesAnsweredPerModel() {
        JsonNode before = usage(KEY_A);
        assertThat(before.path("key").asText()).isEqualTo("team-a");
        List<JsonNode> answers = List.of(analyse(KEY_A, HAIKU), analyse(KEY_A, HAIKU), analyse(KEY_A, LLAMA),
                analyseStreaming(KEY_A, HAIKU));
        JsonNode after = usage(KEY_A);

        Map<String, Sums> expected = new HashMap<>();
        answers.forEach(answer -> expected.merge(answer.path("model").asText(), Sums.of(answer.path("usage")), Sums::plus));
        assertThat(expected.keySet()).containsExactlyInAnyOrder(HAIKU, LLAMA);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        for (String model : List.of(HAIKU, LLAMA)) {
            assertThat(row(after, today, model).minus(row(before, today, model))).as(model).isEqualTo(expected.get(model));
        }
        Sums all = expected.get(HAIKU).plus(expected.get(LLAMA));
        assertThat(Sums.of(after.path("total")).minus(Sums.of(before.path("total")))).isEqualTo(all);
        assertThat(all.cost()).isPositive();
        assertThat(after.path("from").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).toString());
        assertThat(after.path("to").asText()).isEqualTo(today);
        assertThat(after.path("budgetUsd").isNull()).isTrue();
        assertThat(after.path("monthToDateCostUsd").decimalValue()).isGreaterThanOrEqualTo(all.cost());
    }

    @Test
    void aJobsItemsAreCountedUnderTheKeyThatOwnsIt() {
        JsonNode before = usage(KEY_B);
        String id = as(KEY_B).contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"),
                        Map.of("sample", "food-coffee"))), "preset", "caption", "model", HAIKU))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");
        awaitCompleted(KEY_B, id);
        String lines = as(KEY_B).get("/v1/jobs/" + id + "/results").then().statusCode(200).extract().asString();
        Sums expected = Arrays.stream(lines.split("\n")).filter(line -> !line.isBlank())
                .map(line -> Sums.of(read(line).path("usage"))).reduce(Sums.ZERO, Sums::plus);
        assertThat(expected.input()).isPositive();

        JsonNode after = usage(KEY_B);
        assertThat(after.path("key").asText()).isEqualTo("team-b");
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(row(after, today, HAIKU).minus(row(before, today, HAIKU))).isEqualTo(expected);
    }

    @Test
    void aKeyOverItsBudgetIsRefusedAnalysesAndJobsUntilTheMonthEnds() {
        analyse(TIGHT_KEY, HAIKU); // costs more than the whole budget of a millionth of a dollar

        var refused = as(TIGHT_KEY).contentType(ContentType.JSON).body(analysisBody(HAIKU)).post("/v1/analyses")
                .then().statusCode(429).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:budget-exceeded"))
                .body("title", equalTo("Monthly budget exceeded"))
                .body("detail", containsString("0.000001 USD"))
                .body("detail", containsString("resets at " + LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1)
                        .plusMonths(1) + "T00:00:00Z"))
                .extract();
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isPositive().isLessThanOrEqualTo(Duration.ofDays(31).toSeconds());

        as(TIGHT_KEY).contentType(ContentType.JSON)
                .body(Map.of("source", Map.of("images", List.of(Map.of("sample", "cat-chelsea"))), "preset", "caption"))
                .post("/v1/jobs").then().statusCode(429).header("Retry-After", value -> Long.parseLong(value),
                        lessThanOrEqualTo(retryAfter))
                .body("type", equalTo("urn:visionapi:problem:budget-exceeded"));
        // Streaming is the same operation, refused before it begins.
        as(TIGHT_KEY).contentType(ContentType.JSON).header("Accept", "text/event-stream").body(analysisBody(HAIKU))
                .post("/v1/analyses").then().statusCode(429)
                .body("type", equalTo("urn:visionapi:problem:budget-exceeded"));

        // Its other operations still work, and another key still analyses.
        JsonNode usage = usage(TIGHT_KEY);
        assertThat(usage.path("key").asText()).isEqualTo("tight");
        assertThat(usage.path("budgetUsd").decimalValue()).isEqualByComparingTo("0.000001");
        assertThat(usage.path("monthToDateCostUsd").decimalValue()).isGreaterThanOrEqualTo(new BigDecimal("0.000001"));
        as(TIGHT_KEY).get("/v1/models").then().statusCode(200);
        analyse(KEY_A, HAIKU);
    }

    @Test
    void aBareKeyLineKeepsItsDigestName() {
        assertThat(usage(BARE_KEY).path("key").asText()).isEqualTo(digestName(BARE_KEY));
        as(BARE_KEY).contentType(ContentType.JSON).body(analysisBody(LLAMA)).post("/v1/analyses").then()
                .statusCode(200);
        assertThat(usage(BARE_KEY).path("days")).hasSize(1);
    }

    @Test
    void theRangeIsCheckedAndNamesTheWrongParameter() {
        expectInvalid(Map.of("from", "2026-13-01"), "'from'");
        expectInvalid(Map.of("to", "yesterday"), "'to'");
        expectInvalid(Map.of("from", "2026-03-02", "to", "2026-03-01"), "after");
        expectInvalid(Map.of("from", "2025-01-01", "to", "2026-01-02"), "366 days");
        JsonNode year = read(as(KEY_A).queryParam("from", "2025-01-02").queryParam("to", "2026-01-02").get("/v1/usage")
                .then().statusCode(200).extract().asString());
        assertThat(year.path("from").asText()).isEqualTo("2025-01-02");
        assertThat(year.path("to").asText()).isEqualTo("2026-01-02");
    }

    @Test
    void usageNeedsAKey() {
        given().get("/v1/usage").then().statusCode(401).body("type", equalTo("urn:visionapi:problem:unauthorized"));
    }

    private static void expectInvalid(Map<String, String> query, String named) {
        as(KEY_A).queryParams(query).get("/v1/usage").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:invalid-request"))
                .body("detail", containsString(named));
    }

    /** Tokens and cost of one usage object, or of their sums. */
    record Sums(long input, long output, BigDecimal cost) {

        static final Sums ZERO = new Sums(0, 0, BigDecimal.ZERO);

        static Sums of(JsonNode usage) {
            return new Sums(usage.path("inputTokens").asLong(), usage.path("outputTokens").asLong(),
                    usage.path("estimatedCostUsd").isMissingNode() ? BigDecimal.ZERO
                            : usage.path("estimatedCostUsd").decimalValue().stripTrailingZeros());
        }

        Sums plus(Sums other) {
            return new Sums(input + other.input, output + other.output, cost.add(other.cost).stripTrailingZeros());
        }

        Sums minus(Sums other) {
            return new Sums(input - other.input, output - other.output, cost.subtract(other.cost).stripTrailingZeros());
        }
    }

    /** A day's row for the model in a usage report, zero when there is none. */
    static Sums row(JsonNode usage, String day, String model) {
        for (JsonNode row : usage.path("days")) {
            if (row.path("date").asText().equals(day) && row.path("model").asText().equals(model)) {
                return Sums.of(row);
            }
        }
        return Sums.ZERO;
    }

    static JsonNode usage(String key) {
        return read(as(key).get("/v1/usage").then().statusCode(200).contentType(ContentType.JSON).extract().asString());
    }

    static JsonNode analyse(String key, String model) {
        return read(as(key).contentType(ContentType.JSON).body(analysisBody(model)).post("/v1/analyses").then()
                .statusCode(200).extract().asString());
    }

    /** A streamed analysis: its {@code done} event's analysis. */
    static JsonNode analyseStreaming(String key, String model) {
        String events = as(key).contentType(ContentType.JSON).header("Accept", "text/event-stream")
                .body(analysisBody(model)).post("/v1/analyses").then().statusCode(200).extract().asString();
        String[] lines = events.split("\n");
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].startsWith("event:") && lines[i].substring("event:".length()).strip().equals("done")) {
                return read(lines[i + 1].substring("data:".length()).strip());
            }
        }
        throw new AssertionError("No done event in " + events);
    }

    static Map<String, Object> analysisBody(String model) {
        return Map.of("images", List.of(Map.of("sample", "cat-chelsea")), "preset", "caption", "model", model);
    }

    private static void awaitCompleted(String key, String id) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode job = read(as(key).get("/v1/jobs/" + id).then().statusCode(200).extract().asString());
            if (job.path("status").asText().equals("completed")) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("job %s still %s", id, job).isNegative();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static RequestSpecification as(String key) {
        return key == null ? given() : given().header("X-API-Key", key);
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("Not JSON: " + json, e);
        }
    }

    private static String digestName(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
