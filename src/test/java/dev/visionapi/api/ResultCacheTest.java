package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The result cache in process (no Redis configured): a repeated request is answered from it without Bedrock, also when
 * the same image arrives another way; {@code Cache-Control} skips or refreshes it; only temperature-0 answers that
 * ended normally are stored; streamed requests and on-demand job items use it too. Each test asks its own prompt, so
 * that the tests' entries stay apart.
 */
@QuarkusTest
@TestProfile(ResultCacheTest.CacheOn.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = ImageHostResource.class, restrictToAnnotatedClass = true)
class ResultCacheTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The cache as in production: on, in process. */
    public static class CacheOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cache.enabled", "true", "jobs.workers.poll-interval", "200ms");
        }
    }

    @BeforeEach
    void reset() {
        bedrock().reset();
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheCacheWithItsUsageApart() {
        String prompt = uniquePrompt();
        bedrock().next(new Reply(EmulatorReply.answer("A cat on a sill.", 1612, 11)));
        JsonNode first = analyse(sample(prompt));
        JsonNode second = analyse(sample(prompt));

        assertThat(bedrock().calls()).as("Converse calls").hasSize(1);
        assertThat(first.path("cached").asBoolean()).isFalse();
        assertThat(first.has("cachedUsage")).as("no cachedUsage on a fresh answer").isFalse();
        assertThat(first.at("/usage/inputTokens").asInt()).isEqualTo(1612);
        assertThat(second.path("cached").asBoolean()).isTrue();
        assertThat(second.path("text").asText()).isEqualTo("A cat on a sill.");
        assertThat(second.path("stopReason").asText()).isEqualTo("end_turn");
        assertThat(second.path("cachedUsage")).isEqualTo(first.path("usage"));
        assertThat(second.at("/usage/inputTokens").asInt()).isZero();
        assertThat(second.at("/usage/outputTokens").asInt()).isZero();
        assertThat(second.at("/usage/totalTokens").asInt()).isZero();
        assertThat(second.at("/usage/estimatedCostUsd").decimalValue()).isZero();
        assertThat(second.path("id").asText()).as("this request's own id").isNotEqualTo(first.path("id").asText());
        assertThat(second.path("images")).isEqualTo(first.path("images"));
    }

    @Test
    void theSameImageByUrlAfterAnUploadIsAHit() {
        String prompt = uniquePrompt();
        JsonNode uploaded = read(given().multiPart("image", "cat.png", TestImages.CAT_PNG).multiPart("prompt", prompt)
                .when().post("/v1/analyses").then().statusCode(200).extract().asString());
        JsonNode byUrl = analyse(json(Map.of("url", ImageHostResource.url("/cat.png")), prompt));

        assertThat(bedrock().calls()).hasSize(1);
        assertThat(uploaded.path("cached").asBoolean()).isFalse();
        assertThat(byUrl.path("cached").asBoolean()).isTrue();
        assertThat(byUrl.path("text")).isEqualTo(uploaded.path("text"));
    }

    @Test
    void noCacheSkipsTheLookupAndRefreshesTheEntry() {
        String prompt = uniquePrompt();
        double bypassesBefore = counter("analysis_cache_requests_total{outcome=\"bypass\"}");
        double hitsBefore = counter("analysis_cache_requests_total{outcome=\"hit\"}");
        bedrock().next(new Reply(EmulatorReply.answer("First answer.", 100, 5)),
                new Reply(EmulatorReply.answer("Second answer.", 100, 6)));
        analyse(sample(prompt));
        JsonNode bypassed = analyse(sample(prompt).header("Cache-Control", "no-cache"));
        JsonNode after = analyse(sample(prompt));

        assertThat(bedrock().calls()).as("the no-cache request reached Bedrock").hasSize(2);
        assertThat(bypassed.path("cached").asBoolean()).isFalse();
        assertThat(bypassed.path("text").asText()).isEqualTo("Second answer.");
        assertThat(after.path("cached").asBoolean()).isTrue();
        assertThat(after.path("text").asText()).as("the entry the no-cache request refreshed").isEqualTo("Second answer.");
        assertThat(counter("analysis_cache_requests_total{outcome=\"bypass\"}") - bypassesBefore).isEqualTo(1);
        assertThat(counter("analysis_cache_requests_total{outcome=\"hit\"}") - hitsBefore).isEqualTo(1);
    }

    @Test
    void noStoreKeepsTheAnswerOutOfTheCache() {
        String prompt = uniquePrompt();
        analyse(sample(prompt).header("Cache-Control", "no-store"));
        JsonNode next = analyse(sample(prompt));

        assertThat(bedrock().calls()).hasSize(2);
        assertThat(next.path("cached").asBoolean()).isFalse();
    }

    @Test
    void answersWithATemperatureAboveZeroAreNeitherLookedUpNorStored() {
        String prompt = uniquePrompt();
        double bypassesBefore = counter("analysis_cache_requests_total{outcome=\"bypass\"}");
        for (int i = 0; i < 2; i++) {
            JsonNode answer = analyse(given().contentType(ContentType.JSON).body(Map.of("images",
                    List.of(Map.of("sample", "cat-chelsea")), "prompt", prompt, "temperature", 0.5)));
            assertThat(answer.path("cached").asBoolean()).isFalse();
        }
        assertThat(bedrock().calls()).hasSize(2);
        assertThat(counter("analysis_cache_requests_total{outcome=\"bypass\"}") - bypassesBefore).isEqualTo(2);
    }

    @Test
    void anAnswerCutShortByMaxTokensIsNotStored() {
        String prompt = uniquePrompt();
        EmulatorReply cut = EmulatorReply.answer("A cat on", 100, 3);
        cut.body().put("stopReason", "max_tokens");
        bedrock().next(new Reply(cut));
        JsonNode first = analyse(sample(prompt));
        JsonNode second = analyse(sample(prompt));

        assertThat(first.path("stopReason").asText()).isEqualTo("max_tokens");
        assertThat(second.path("cached").asBoolean()).isFalse();
        assertThat(bedrock().calls()).hasSize(2);
    }

    @Test
    void aStreamedHitIsTheWholeTextAsOneDeltaThenDone() throws Exception {
        String prompt = uniquePrompt();
        bedrock().next(new Reply(EmulatorReply.answer("A tabby cat on a windowsill, in the sun.", 1612, 12)));
        String fresh = stream(prompt);
        String cached = stream(prompt);

        assertThat(bedrock().calls()).hasSize(1);
        assertThat(count(fresh, "event:delta")).as("deltas of the fresh stream").isGreaterThan(1);
        assertThat(count(cached, "event:delta")).isEqualTo(1);
        Matcher delta = Pattern.compile("event:delta\\ndata:(.*)\\n").matcher(cached);
        assertThat(delta.find()).isTrue();
        assertThat(read(delta.group(1)).path("text").asText()).isEqualTo("A tabby cat on a windowsill, in the sun.");
        Matcher done = Pattern.compile("event:done\\ndata:(.*)\\n").matcher(cached);
        assertThat(done.find()).isTrue();
        JsonNode analysis = read(done.group(1));
        assertThat(analysis.path("cached").asBoolean()).isTrue();
        assertThat(analysis.at("/cachedUsage/inputTokens").asInt()).isEqualTo(1612);
        assertThat(analysis.at("/usage/inputTokens").asInt()).isZero();
    }

    @Test
    void anOnDemandJobItemForAnImageAnalysedBeforeIsAHit() throws Exception {
        String prompt = uniquePrompt();
        bedrock().next(new Reply(EmulatorReply.answer("A cat, analysed before.", 1612, 9)));
        analyse(sample(prompt));

        String id = given().contentType(ContentType.JSON).body(Map.of("source", Map.of("images",
                        List.of(Map.of("sample", "cat-chelsea"))), "prompt", prompt))
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");
        JsonNode job = awaitCompleted(id);
        JsonNode result = read(given().get("/v1/jobs/" + id + "/results").then().statusCode(200).extract().asString()
                .lines().findFirst().orElseThrow());

        assertThat(bedrock().calls()).as("the job's item reached no model").hasSize(1);
        assertThat(result.path("text").asText()).isEqualTo("A cat, analysed before.");
        assertThat(result.at("/usage/inputTokens").asInt()).isZero();
        assertThat(result.at("/usage/cached").asBoolean()).isTrue();
        assertThat(result.at("/usage/cachedUsage/inputTokens").asInt()).isEqualTo(1612);
        assertThat(result.at("/usage/cachedUsage/outputTokens").asInt()).isEqualTo(9);
        assertThat(job.at("/usage/inputTokens").asLong()).as("the job's own usage").isZero();
    }

    private static JsonNode awaitCompleted(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode job = read(given().get("/v1/jobs/" + id).then().statusCode(200).extract().asString());
            if (job.path("status").asText().equals("completed")) {
                return job;
            }
            assertThat(System.nanoTime() - deadline).as("job %s still %s", id, job).isNegative();
            Thread.sleep(100);
        }
    }

    private static String stream(String prompt) {
        return given().contentType(ContentType.JSON).accept("text/event-stream")
                .body(Map.of("images", List.of(Map.of("sample", "cat-chelsea")), "prompt", prompt))
                .when().post("/v1/analyses").then().statusCode(200).extract().asString();
    }

    private static RequestSpecification sample(String prompt) {
        return json(Map.of("sample", "cat-chelsea"), prompt);
    }

    private static RequestSpecification json(Map<String, String> image, String prompt) {
        return given().contentType(ContentType.JSON).body(Map.of("images", List.of(image), "prompt", prompt));
    }

    private static JsonNode analyse(RequestSpecification request) {
        return read(request.when().post("/v1/analyses").then().statusCode(200).extract().asString());
    }

    private static String uniquePrompt() {
        return "Describe the image. (" + UUID.randomUUID() + ")";
    }

    private static double counter(String series) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(
                line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst().orElse(0);
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
