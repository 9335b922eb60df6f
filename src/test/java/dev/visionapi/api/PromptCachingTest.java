package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.awt.Color;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ConverseCall;
import dev.visionapi.image.TestImageFactory;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

/**
 * Bedrock prompt caching, end to end through the real SDK client and the emulator's prompt cache: images long enough
 * for the model's minimum go before a {@code cachePoint}, the first analysis writes them to the cache, the next with
 * another preset reads them, and usage reports and prices both as Bedrock counts them.
 */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
@TestProfile(PromptCachingTest.EveryCall.class)
class PromptCachingTest {

    /** A cache point on every call, so that one request's images are read by the next (default: several presets). */
    public static class EveryCall implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("analysis.prompt-cache", "always");
        }
    }

    private static final String HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    private static final String LLAMA = "us.meta.llama3-2-11b-instruct-v1:0";
    /** 1200 × 900: 1,440 estimated tokens, past Claude Sonnet 4.5's minimum of 1,024 (the default model). */
    private static final byte[] LARGE = TestImageFactory.encode(
            TestImageFactory.halves(1200, 900, Color.ORANGE, Color.BLUE), "png");
    private static final int LARGE_TOKENS = 1_440;
    // Claude Sonnet 4.5's prices in models.json, per million tokens.
    private static final BigDecimal INPUT = new BigDecimal("3.00");
    private static final BigDecimal OUTPUT = new BigDecimal("15.00");
    private static final BigDecimal CACHE_READ = new BigDecimal("0.30");
    private static final BigDecimal CACHE_WRITE = new BigDecimal("3.75");

    @BeforeEach
    void resetBedrock() {
        bedrock().reset(); // the emulator's prompt cache too
    }

    @Test
    void aSecondPresetOnTheSameImageReadsItFromTheCacheAndCostsLess() {
        JsonPath first = analyse(large().multiPart("preset", "caption"));
        ConverseCall firstCall = bedrock().lastCall();
        JsonPath second = analyse(large().multiPart("preset", "alt-text"));

        assertThat(firstCall.cachePointIndex()).as("right after the one image").isEqualTo(1);
        assertThat(firstCall.content().getJsonObject(1).getJsonObject("cachePoint").getString("type"))
                .isEqualTo("default");
        assertThat(bedrock().lastCall().cachePointIndex()).isEqualTo(1);
        assertThat(first.getInt("usage.cacheWriteInputTokens")).isEqualTo(LARGE_TOKENS);
        assertThat(first.getInt("usage.cacheReadInputTokens")).isZero();
        assertThat(second.getInt("usage.cacheReadInputTokens")).isEqualTo(LARGE_TOKENS);
        assertThat(second.getInt("usage.cacheWriteInputTokens")).isZero();
        assertThat(second.getInt("usage.inputTokens")).as("the image's tokens are not in inputTokens")
                .isLessThan(LARGE_TOKENS);

        BigDecimal firstCost = cost(first);
        BigDecimal secondCost = cost(second);
        assertThat(firstCost).isEqualByComparingTo(expectedCost(first));
        assertThat(secondCost).isEqualByComparingTo(expectedCost(second));
        // The image written at $3.75 the first time, read at $0.30 the second: the rest (prompt and answer) is small.
        BigDecimal saved = CACHE_WRITE.subtract(CACHE_READ).multiply(BigDecimal.valueOf(LARGE_TOKENS))
                .divide(BigDecimal.valueOf(1_000_000), 6, RoundingMode.HALF_UP);
        // Each cost is rounded to a millionth of a dollar, hence the tolerance of one.
        assertThat(firstCost.subtract(secondCost)).isCloseTo(saved.add(uncachedCost(first))
                .subtract(uncachedCost(second)), within(new BigDecimal("0.000001")));
        assertThat(secondCost).isLessThan(firstCost);
    }

    @Test
    void aStructuredPresetWithNativeOutputReadsTheImagesACaptionWrote() {
        analyse(large().multiPart("preset", "caption"));
        JsonPath structured = analyse(large().multiPart("preset", "classification"));

        assertThat(structured.getInt("usage.cacheReadInputTokens")).isEqualTo(LARGE_TOKENS);
        assertThat(structured.getMap("data")).containsKeys("category", "confidence");
        assertThat(bedrock().lastCall().body().containsKey("outputConfig")).isTrue();
    }

    @Test
    void aSmallImageGetsNoCachePointAndNoCacheUsage() {
        given().multiPart("image", "cat.png", TestImages.CAT_PNG, "image/png").multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("usage", not(hasKey("cacheReadInputTokens")))
                .body("usage", not(hasKey("cacheWriteInputTokens")));

        assertThat(bedrock().lastCall().cachePointIndex()).isEqualTo(-1);
        assertThat(bedrock().lastCall().content().size()).isEqualTo(2);
    }

    @Test
    void aModelWithoutPromptCachingGetsNoCachePoint() {
        large().multiPart("preset", "caption").multiPart("model", LLAMA)
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("usage", not(hasKey("cacheWriteInputTokens")));

        assertThat(bedrock().lastCall().cachePointIndex()).isEqualTo(-1);
    }

    @Test
    void theImagesTogetherMustReachTheModelsMinimum() {
        // Claude Haiku 4.5 caches from 4,096 tokens: one 1200 × 900 image (1,440) is too short, three (4,320) are not.
        large().multiPart("preset", "caption").multiPart("model", HAIKU)
                .when().post("/v1/analyses").then().statusCode(200);
        assertThat(bedrock().lastCall().cachePointIndex()).isEqualTo(-1);

        JsonPath three = analyse(large().multiPart("image", "b.png", LARGE, "image/png")
                .multiPart("image", "c.png", LARGE, "image/png")
                .multiPart("preset", "caption").multiPart("model", HAIKU));
        assertThat(bedrock().lastCall().cachePointIndex()).as("after the three images").isEqualTo(3);
        assertThat(three.getInt("usage.cacheWriteInputTokens")).isEqualTo(3 * LARGE_TOKENS);
    }

    @Test
    void aStreamedAnalysisReportsTheCacheUsageInItsDoneEvent() {
        JsonObject first = streamedDone(large().multiPart("preset", "caption"));
        JsonObject second = streamedDone(large().multiPart("preset", "alt-text"));

        assertThat(bedrock().lastCall().streaming()).isTrue();
        assertThat(bedrock().lastCall().cachePointIndex()).isEqualTo(1);
        assertThat(first.getJsonObject("usage").getInteger("cacheWriteInputTokens")).isEqualTo(LARGE_TOKENS);
        assertThat(second.getJsonObject("usage").getInteger("cacheReadInputTokens")).isEqualTo(LARGE_TOKENS);
        assertThat(second.getJsonObject("usage").getInteger("cacheWriteInputTokens")).isZero();
        assertThat(new BigDecimal(second.getJsonObject("usage").getValue("estimatedCostUsd").toString()))
                .isLessThan(new BigDecimal(first.getJsonObject("usage").getValue("estimatedCostUsd").toString()));
    }

    @Test
    void modelsListTheirPromptCachingAndOutputSchemaSupport() {
        given().get("/v1/models").then().statusCode(200)
                .body("find { it.id == 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }.supportsPromptCache",
                        equalTo(true))
                .body("find { it.id == 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }.minCacheTokens", equalTo(1024))
                .body("find { it.id == 'us.meta.llama3-2-11b-instruct-v1:0' }", not(hasKey("cacheReadPricePerMillionUsd")));
    }

    private static RequestSpecification large() {
        return given().multiPart("image", "large.png", LARGE, "image/png");
    }

    private static JsonPath analyse(RequestSpecification request) {
        return request.when().post("/v1/analyses").then().statusCode(200).extract().jsonPath();
    }

    private static JsonObject streamedDone(RequestSpecification request) {
        String body = request.header("Accept", "text/event-stream").when().post("/v1/analyses")
                .then().statusCode(200).extract().asString();
        String[] lines = body.split("\n");
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].equals("event:done") || lines[i].equals("event: done")) {
                return new JsonObject(lines[i + 1].replaceFirst("^data: ?", ""));
            }
        }
        throw new AssertionError("No done event in " + body);
    }

    private static BigDecimal cost(JsonPath analysis) {
        return new BigDecimal(analysis.getString("usage.estimatedCostUsd"));
    }

    /** What the catalogue's prices make of the usage: input, output, cache reads and writes, each at its price. */
    private static BigDecimal expectedCost(JsonPath analysis) {
        return INPUT.multiply(tokens(analysis, "inputTokens"))
                .add(OUTPUT.multiply(tokens(analysis, "outputTokens")))
                .add(CACHE_READ.multiply(tokens(analysis, "cacheReadInputTokens")))
                .add(CACHE_WRITE.multiply(tokens(analysis, "cacheWriteInputTokens")))
                .divide(BigDecimal.valueOf(1_000_000), 6, RoundingMode.HALF_UP);
    }

    /** The cost of the tokens the cache did not touch: the prompt and the answer. */
    private static BigDecimal uncachedCost(JsonPath analysis) {
        return INPUT.multiply(tokens(analysis, "inputTokens")).add(OUTPUT.multiply(tokens(analysis, "outputTokens")))
                .divide(BigDecimal.valueOf(1_000_000), 6, RoundingMode.HALF_UP);
    }

    private static BigDecimal tokens(JsonPath analysis, String name) {
        return BigDecimal.valueOf(analysis.getInt("usage." + name));
    }
}
