package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.awt.Color;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ConverseCall;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import dev.visionapi.image.TestImageFactory;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** Several presets in one request: the images prepared once, one answer (or problem) per preset. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class SeveralPresetsTest {

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void threePresetsAreAnsweredInOrderForImagesPreparedOnce() {
        double bytesIn = imageBytesIn();
        ExtractableResponse<Response> response = given()
                .multiPart("image", "rocket.jpg", TestImages.ROCKET_JPEG, "image/jpeg")
                .multiPart("preset", "alt-text").multiPart("preset", "moderation").multiPart("preset", "classification")
                .post("/v1/analyses").then()
                .statusCode(200)
                .body("preset", nullValue())
                .body("text", nullValue())
                .body("results.alt-text.text", not(equalTo("")))
                .body("results.moderation.data", hasKey("safe"))
                .body("results.classification.data", hasKey("category"))
                .body("results.alt-text", not(hasKey("problem")))
                .extract();

        Map<String, Object> results = response.path("results");
        assertThat(results.keySet()).containsExactly("alt-text", "moderation", "classification");
        List<ConverseCall> calls = bedrock().calls();
        assertThat(calls).hasSize(3);
        assertThat(calls).extracting(call -> call.images().get(0).getJsonObject("source").getString("bytes"))
                .as("the same prepared bytes in every call").containsOnly(
                        calls.get(0).images().get(0).getJsonObject("source").getString("bytes"));
        int inputTokens = 0;
        for (String preset : results.keySet()) {
            inputTokens += response.<Integer>path("results." + preset + ".usage.inputTokens");
        }
        assertThat(response.<Integer>path("usage.inputTokens")).isEqualTo(inputTokens);
        assertThat(response.<Float>path("usage.estimatedCostUsd")).isPositive();
        assertThat(imageBytesIn() - bytesIn).as("the upload counted once").isEqualTo(TestImages.ROCKET_JPEG.length);
    }

    @Test
    void theLaterPresetsReadTheImagesFromBedrocksPromptCacheAndAlonePresetWritesNone() {
        // 1200 × 900: 1,440 estimated tokens, past Claude Sonnet 4.5's minimum of 1,024 (the default model).
        byte[] large = TestImageFactory.encode(TestImageFactory.halves(1200, 900, Color.ORANGE, Color.BLUE), "png");
        ExtractableResponse<Response> response = given().multiPart("image", "large.png", large, "image/png")
                .multiPart("preset", "caption").multiPart("preset", "alt-text").multiPart("preset", "classification")
                .post("/v1/analyses").then().statusCode(200).extract();

        assertThat(response.<Integer>path("results.caption.usage.cacheWriteInputTokens")).isEqualTo(1440);
        assertThat(response.<Integer>path("results.alt-text.usage.cacheReadInputTokens")).isEqualTo(1440);
        assertThat(response.<Integer>path("results.classification.usage.cacheReadInputTokens")).isEqualTo(1440);
        assertThat(response.<Integer>path("usage.cacheReadInputTokens")).isEqualTo(2880);
        assertThat(bedrock().calls()).allSatisfy(call -> assertThat(call.cachePointIndex()).isEqualTo(1));

        bedrock().reset();
        given().multiPart("image", "large.png", large, "image/png").multiPart("preset", "caption")
                .post("/v1/analyses").then().statusCode(200).body("usage", not(hasKey("cacheWriteInputTokens")));
        assertThat(bedrock().lastCall().content().toString()).as("one preset: no cache write to pay for")
                .doesNotContain("cachePoint");
    }

    @Test
    void theJsonFormNamesThemInPresets() {
        given().contentType("application/json")
                .body("{\"images\": [{\"sample\": \"text-sign\"}], \"presets\": [\"transcription\", \"translation\"], "
                        + "\"parameters\": {\"language\": \"German\"}}")
                .post("/v1/analyses").then()
                .statusCode(200)
                .body("results.transcription.text", notNullValue())
                .body("results.translation.text", notNullValue());
        assertThat(bedrock().calls()).hasSize(2);
        assertThat(bedrock().calls()).anySatisfy(call -> assertThat(call.prompt()).contains("German"));
    }

    @Test
    void aPresetThatFailsFailsAloneAndTheOthersAreAnswered() {
        // The first preset is answered before the others start: the second call is the second preset's.
        bedrock().next(new Reply(EmulatorReply.answer("A cat.", 1000, 5)),
                new Reply(EmulatorReply.error(400, "ValidationException", "The prompt is not allowed")));
        given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption").multiPart("preset", "story")
                .post("/v1/analyses").then()
                .statusCode(200)
                .body("results.caption.text", equalTo("A cat."))
                .body("results.story.problem.type", equalTo("urn:visionapi:problem:model-rejected-request"))
                .body("results.story.problem.detail", containsString("not allowed"))
                .body("results.story", not(hasKey("text")))
                .body("usage.inputTokens", equalTo(1000));
    }

    @Test
    void whenEveryPresetFailsTheRequestGetsTheFirstProblem() {
        bedrock().always(new Reply(EmulatorReply.error(400, "ValidationException", "Not today")));
        given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption").multiPart("preset", "story")
                .post("/v1/analyses").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:model-rejected-request"));
    }

    @Test
    void onePresetKeepsTheSingleAnswerShape() {
        given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .post("/v1/analyses").then()
                .statusCode(200)
                .body("preset", equalTo("caption"))
                .body("text", notNullValue())
                .body("$", not(hasKey("results")));
    }

    @Test
    void presetsAreCheckedBeforeBedrockIsCalled() {
        refused(given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .multiPart("preset", "caption"), "once");
        refused(given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .multiPart("preset", "unicorn"), "Unknown preset 'unicorn'");
        refused(given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .multiPart("prompt", "What is it?"), "exactly one of");
        var nine = given().multiPart("sample", "cat-chelsea");
        for (String preset : List.of("caption", "story", "alt-text", "detailed-description", "transcription",
                "translation", "mask-prompt", "moderation", "classification")) {
            nine = nine.multiPart("preset", preset);
        }
        refused(nine, "at most 8 presets");
        given().contentType("application/json")
                .body("{\"images\": [{\"sample\": \"cat-chelsea\"}], \"preset\": \"caption\", \"presets\": [\"story\"]}")
                .post("/v1/analyses").then()
                .statusCode(400)
                .body("detail", containsString("'preset' or 'presets', not both"));
        assertThat(bedrock().calls()).isEmpty();
    }

    private static void refused(io.restassured.specification.RequestSpecification request, String detail) {
        request.post("/v1/analyses").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString(detail));
    }

    private static double imageBytesIn() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("images_bytes_total{") && line.contains("direction=\"in\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
