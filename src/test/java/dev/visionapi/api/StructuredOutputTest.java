package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.visionapi.bedrock.BedrockConverseClient;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ConverseCall;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Structured presets: native structured output ({@code outputConfig}) for models that take it, else a forced tool
 * call, else a JSON-only prompt; the answer is checked against the preset's schema either way.
 */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class StructuredOutputTest {

    private static final String LLAMA = "us.meta.llama3-2-11b-instruct-v1:0";
    /** Not in the catalogue: generic capabilities, tool use among them, but no native structured output. */
    private static final String TOOL_MODEL = "example.custom-vision-v1:0";

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @ParameterizedTest
    @ValueSource(strings = {"classification", "object-recognition", "subject-identification", "moderation",
        "content-match", "text-extraction"})
    void everyStructuredPresetReturnsDataValidAgainstItsSchema(String preset) {
        analyse(cat().multiPart("preset", preset).multiPart("text", "A tabby cat"))
                .statusCode(200)
                .body("data", notNullValue())
                .body("text", not(equalTo("")));
        ConverseCall call = bedrock().lastCall();
        assertThat(call.body().containsKey("toolConfig")).as("no tool with native structured output").isFalse();
        assertThat(call.system()).doesNotContain(BedrockConverseClient.JSON_SCHEMA_MARKER);
        assertThat(call.body().getJsonObject("outputConfig").getJsonObject("textFormat").getString("type"))
                .isEqualTo("json_schema");
        Map<String, Object> properties = given().get("/v1/presets/" + preset).then().statusCode(200)
                .extract().path("schema.properties");
        assertThat(call.structuredOutputSchema().getJsonObject("properties").fieldNames())
                .isEqualTo(properties.keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"classification", "object-recognition", "subject-identification", "moderation",
        "content-match", "text-extraction"})
    void aModelWithToolUseButNoOutputSchemaGetsAForcedToolCall(String preset) {
        analyse(cat().multiPart("preset", preset).multiPart("text", "A tabby cat").multiPart("model", TOOL_MODEL))
                .statusCode(200)
                .body("data", notNullValue())
                .body("text", not(equalTo("")));
        assertThat(bedrock().lastCall().body().containsKey("outputConfig")).isFalse();
        JsonObject tool = bedrock().lastCall().forcedTool();
        assertThat(tool).as("a forced tool call").isNotNull();
        assertThat(tool.getString("name")).isEqualTo("record_result");
        Map<String, Object> properties = given().get("/v1/presets/" + preset).then().statusCode(200)
                .extract().path("schema.properties");
        assertThat(tool.getJsonObject("inputSchema").getJsonObject("json").getJsonObject("properties").fieldNames())
                .isEqualTo(properties.keySet());
    }

    @Test
    void classificationIsLimitedToTheGivenCategoriesInTheOutputSchema() {
        bedrock().next(new Reply(EmulatorReply.answer("{\"category\":\"Cat\",\"confidence\":0.93}", 1500, 20)));
        analyse(cat().multiPart("preset", "classification").multiPart("categories", "Cat, Dog, Bird"))
                .statusCode(200)
                .body("text", equalTo("Cat"))
                .body("data.category", equalTo("Cat"))
                .body("data.confidence", equalTo(0.93f));
        JsonArray allowed = bedrock().lastCall().structuredOutputSchema().getJsonObject("properties")
                .getJsonObject("category").getJsonArray("enum");
        assertThat(allowed.getList()).containsExactly("Cat", "Dog", "Bird");
    }

    @Test
    void classificationIsLimitedToTheGivenCategoriesAndRenderedAsTheCategory() {
        bedrock().next(new Reply(EmulatorReply.toolUse("record_result",
                new JsonObject().put("category", "Cat").put("confidence", 0.93), 1500, 20)));
        analyse(cat().multiPart("preset", "classification").multiPart("categories", "Cat, Dog, Bird")
                .multiPart("model", TOOL_MODEL))
                .statusCode(200)
                .body("text", equalTo("Cat"))
                .body("data.category", equalTo("Cat"))
                .body("data.confidence", equalTo(0.93f));
        JsonArray allowed = bedrock().lastCall().forcedTool().getJsonObject("inputSchema").getJsonObject("json")
                .getJsonObject("properties").getJsonObject("category").getJsonArray("enum");
        assertThat(allowed.getList()).containsExactly("Cat", "Dog", "Bird");
    }

    @Test
    void subjectIdentificationKeepsTheObjectTagsInItsText() {
        bedrock().next(new Reply(EmulatorReply.answer("{\"subject\": \"tabby cat\"}", 1500, 8)));
        analyse(cat().multiPart("preset", "subject-identification"))
                .statusCode(200)
                .body("text", equalTo("<object>tabby cat</object>"))
                .body("data.subject", equalTo("tabby cat"));
    }

    @Test
    void malformedOutputIsRetriedOnceThenA502() {
        Reply invalid = new Reply(EmulatorReply.answer("{\"category\":\"Spaceship\",\"confidence\":7}", 1500, 10));
        bedrock().always(invalid);
        analyse(cat().multiPart("preset", "classification"))
                .statusCode(502)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:model-output-invalid"))
                .body("detail", containsString("malformed"));
        assertThat(bedrock().calls()).hasSize(2);
    }

    @Test
    void malformedOutputThenValidOutputSucceeds() {
        bedrock().next(new Reply(EmulatorReply.answer("{\"objects\":\"many\"}", 1500, 5)),
                new Reply(EmulatorReply.answer(new JsonObject().put("objects",
                        new JsonArray().add(new JsonObject().put("name", "cat").put("count", 1))
                                .add(new JsonObject().put("name", "blanket").put("count", 1))).encode(), 1500, 20)));
        analyse(cat().multiPart("preset", "object-recognition"))
                .statusCode(200)
                .body("text", equalTo("objects: cat (1), blanket (1)"))
                .body("data.objects[1].name", equalTo("blanket"));
        assertThat(bedrock().calls()).hasSize(2);
    }

    @Test
    void aModelWithoutToolUseGetsAJsonOnlyPromptAndItsAnswerIsParsed() {
        bedrock().next(new Reply(EmulatorReply.answer(
                "Here you go:\n```json\n{\"matches\": false, \"confidence\": 0.8, \"explanation\": \"It is a cat.\"}\n```",
                1500, 30)));
        analyse(cat().multiPart("preset", "content-match").multiPart("text", "Red leather boots")
                .multiPart("model", LLAMA))
                .statusCode(200)
                .body("data.matches", equalTo(false))
                .body("data.explanation", equalTo("It is a cat."));
        ConverseCall call = bedrock().lastCall();
        assertThat(call.forcedTool()).isNull();
        assertThat(call.body().containsKey("outputConfig")).isFalse();
        assertThat(call.jsonOnlySchema().getJsonObject("properties").fieldNames())
                .containsExactlyInAnyOrder("matches", "confidence", "explanation");
        assertThat(call.prompt()).contains("Text: \"Red leather boots\"");
    }

    @Test
    void aStreamedStructuredAnalysisSendsOnlyDoneWithData() {
        String body = cat().multiPart("preset", "moderation").header("Accept", "text/event-stream")
                .when().post("/v1/analyses").then().statusCode(200).extract().asString();
        assertThat(body).doesNotContain("event:delta").contains("event:done").contains("\"data\":{\"safe\":");
        assertThat(bedrock().lastCall().structuredOutputSchema()).isNotNull();
        assertThat(bedrock().lastCall().body().containsKey("toolConfig")).isFalse();
    }


    @Test
    void aModelsImageLimitIsEnforcedBeforeCallingBedrock() {
        given().multiPart("image", "a.png", TestImages.CAT_PNG, "image/png")
                .multiPart("image", "b.png", TestImages.COFFEE_PNG, "image/png")
                .multiPart("preset", "caption").multiPart("model", LLAMA)
                .when().post("/v1/analyses")
                .then().statusCode(400)
                .body("detail", containsString("takes at most 1 image(s)"));
        assertThat(bedrock().calls()).isEmpty();
    }

    @Test
    void usageCarriesTheEstimatedCostAtTheModelsListPrice() {
        bedrock().next(new Reply(EmulatorReply.answer("A cat.", 1000, 100)));
        analyse(cat().multiPart("preset", "caption"))
                .statusCode(200)
                // Claude Sonnet 4.5: 1000 × $3 / 1M + 100 × $15 / 1M
                .body("usage.estimatedCostUsd", equalTo(0.0045f));
    }

    @Test
    void aModelWithoutAPriceHasNoCostEstimate() {
        analyse(cat().multiPart("preset", "caption").multiPart("model", "example.custom-vision-v1:0"))
                .statusCode(200)
                .body("usage", not(hasKey("estimatedCostUsd")))
                .body("usage.inputTokens", notNullValue());
    }

    @Test
    void modelsAreListedWithTheirCapabilities() {
        given().get("/v1/models").then().statusCode(200)
                .body("id", equalTo(List.of("us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                        "us.anthropic.claude-haiku-4-5-20251001-v1:0", LLAMA, "example.custom-vision-v1:0")))
                .body("[0].default", equalTo(true))
                .body("[0].name", equalTo("Claude Sonnet 4.5"))
                .body("[0].provider", equalTo("Anthropic"))
                .body("[2].supportsStructuredOutput", equalTo(false))
                .body("[0].supportsOutputSchema", equalTo(true))
                .body("[0].supportsPromptCache", equalTo(true))
                .body("[0].minCacheTokens", equalTo(1024))
                .body("[0].cacheReadPricePerMillionUsd", equalTo(0.30f))
                .body("[0].cacheWritePricePerMillionUsd", equalTo(3.75f))
                .body("[1].minCacheTokens", equalTo(4096))
                .body("[2].supportsOutputSchema", equalTo(false))
                .body("[2].supportsPromptCache", equalTo(false))
                .body("[2]", not(hasKey("minCacheTokens")))
                .body("[3].supportsOutputSchema", equalTo(false))
                .body("[2].maxImages", equalTo(1))
                .body("[3].name", equalTo("example.custom-vision-v1:0"))
                .body("[3]", not(hasKey("inputPricePerMillionUsd")));
    }

    @Test
    void aPresetIsServedWithItsSchema() {
        given().get("/v1/presets/moderation").then().statusCode(200)
                .body("schema.properties.safe.type", equalTo("boolean"));
        given().get("/v1/presets/horoscope").then().statusCode(404).contentType("application/problem+json");
    }

    private static RequestSpecification cat() {
        return given().multiPart("image", "cat.png", TestImages.CAT_PNG, "image/png");
    }

    private static ValidatableResponse analyse(RequestSpecification request) {
        return request.when().post("/v1/analyses").then();
    }
}
