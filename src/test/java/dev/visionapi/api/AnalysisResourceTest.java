package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImages;
import dev.visionapi.bedrock.emulator.ConverseCall;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.builder.MultiPartSpecBuilder;
import io.vertx.core.json.JsonObject;

/** The main job end to end: multipart in, a Converse call through the real SDK client into the emulator, JSON out. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class AnalysisResourceTest {

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @ParameterizedTest
    @ValueSource(strings = {"caption", "detailed-description", "story", "transcription", "translation", "alt-text",
        "mask-prompt"})
    void everyTextPresetWithoutRequiredParametersAnswers(String preset) {
        given().multiPart("image", "cat.png", TestImages.CAT_PNG, "image/png").multiPart("preset", preset)
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("preset", equalTo(preset))
                .body("text", startsWith("[synthetic answer"));
        assertThat(bedrock().lastCall().prompt()).isNotBlank().doesNotContain("{{");
    }

    @Test
    void questionPresetAsksTheQuestion() {
        given().multiPart("sample", "cat-chelsea").multiPart("preset", "question")
                .multiPart("question", "What colour is the cat's collar?")
                .when().post("/v1/analyses")
                .then().statusCode(200);
        assertThat(bedrock().lastCall().prompt()).endsWith("Question: What colour is the cat's collar?");
    }

    @Test
    void presetParametersFillTheTemplateOrFallBackToTheirDefaults() {
        given().multiPart("sample", "text-sign").multiPart("preset", "translation").multiPart("language", "German")
                .when().post("/v1/analyses").then().statusCode(200);
        assertThat(bedrock().lastCall().prompt()).contains("translate it into German");

        given().multiPart("sample", "food-coffee").multiPart("preset", "classification")
                .when().post("/v1/analyses").then().statusCode(200);
        assertThat(bedrock().lastCall().prompt()).contains("categories: People, Food, Other.");
    }

    @Test
    void parameterValuesAreInsertedLiterally() {
        given().multiPart("sample", "cat-chelsea").multiPart("preset", "question")
                .multiPart("question", "Is {{question}} $1 \\0 literal?")
                .when().post("/v1/analyses").then().statusCode(200);
        assertThat(bedrock().lastCall().prompt()).endsWith("Question: Is {{question}} $1 \\0 literal?");
    }

    @Test
    void pngBytesArriveIntactWithTheirFormat() {
        given().multiPart("image", "photo.jpg", TestImages.CAT_PNG, "image/jpeg").multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("images[0].mediaType", equalTo("image/png"))
                .body("images[0].width", equalTo(451))
                .body("images[0].height", equalTo(300))
                .body("images[0].sizeBytes", equalTo(TestImages.CAT_PNG_AS_SENT.length))
                .body("images[0].resized", equalTo(false));
        JsonObject image = bedrock().lastCall().images().get(0);
        assertThat(image.getString("format")).isEqualTo("png");
        assertThat(decoded(image)).isEqualTo(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void jpegBytesArriveIntactWithTheirFormat() {
        given().multiPart("image", "rocket.png", TestImages.ROCKET_JPEG, "application/octet-stream")
                .multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("images[0].mediaType", equalTo("image/jpeg"))
                .body("images[0].width", equalTo(640))
                .body("images[0].height", equalTo(427));
        JsonObject image = bedrock().lastCall().images().get(0);
        assertThat(image.getString("format")).isEqualTo("jpeg");
        assertThat(decoded(image)).isEqualTo(TestImages.ROCKET_JPEG_AS_SENT);
    }

    @Test
    void threeImagesKeepTheirOrderAndComeBeforeThePrompt() {
        given().multiPart("image", "a.jpg", TestImages.ROCKET_JPEG, "image/jpeg")
                .multiPart("image", "b.png", TestImages.CAT_PNG, "image/png")
                .multiPart("image", "c.png", TestImages.COFFEE_PNG, "image/png")
                .multiPart("prompt", "Compare these images.")
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("images", hasSize(3))
                .body("images.mediaType", equalTo(List.of("image/jpeg", "image/png", "image/png")));
        ConverseCall call = bedrock().lastCall();
        List<JsonObject> images = call.images();
        assertThat(images).hasSize(3);
        assertThat(decoded(images.get(0))).isEqualTo(TestImages.ROCKET_JPEG_AS_SENT);
        assertThat(decoded(images.get(1))).isEqualTo(TestImages.CAT_PNG_AS_SENT);
        assertThat(decoded(images.get(2))).isEqualTo(TestImages.COFFEE_PNG_AS_SENT);
        assertThat(call.content().getJsonObject(3).getString("text")).isEqualTo("Compare these images.");
    }

    @Test
    void customPromptWithNonAsciiTextArrivesVerbatim() {
        String prompt = "Décris l'image en détail — 用中文回答, bitte auch auf Deutsch: äöüß 🚀\nZeile zwei.";
        given().multiPart("sample", "vehicle-rocket")
                .multiPart(new MultiPartSpecBuilder(prompt).controlName("prompt").charset(StandardCharsets.UTF_8).build())
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("preset", equalTo(null));
        assertThat(bedrock().lastCall().prompt()).isEqualTo(prompt);
    }

    @Test
    void maxTokensAndTemperatureAreForwardedAndDefaulted() {
        given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .multiPart("maxTokens", "321").multiPart("temperature", "0.7")
                .when().post("/v1/analyses").then().statusCode(200);
        JsonObject inference = bedrock().lastCall().body().getJsonObject("inferenceConfig");
        assertThat(inference.getInteger("maxTokens")).isEqualTo(321);
        assertThat(inference.getDouble("temperature")).isCloseTo(0.7, within(1e-6));

        given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .when().post("/v1/analyses").then().statusCode(200);
        inference = bedrock().lastCall().body().getJsonObject("inferenceConfig");
        assertThat(inference.getInteger("maxTokens")).isEqualTo(2000);
        assertThat(inference.getDouble("temperature")).isZero();
    }

    @Test
    void usageTextAndStopReasonArePassedThroughAsBedrockReportedThem() {
        bedrock().next(new ScriptedBedrock.Reply(EmulatorReply.answer("A tabby cat on a blanket.", 1523, 9)));
        given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("text", equalTo("A tabby cat on a blanket."))
                .body("stopReason", equalTo("end_turn"))
                .body("usage.inputTokens", equalTo(1523))
                .body("usage.outputTokens", equalTo(9))
                .body("usage.totalTokens", equalTo(1532))
                .body("model", equalTo("us.anthropic.claude-sonnet-4-5-20250929-v1:0"));
    }

    @Test
    void anAllowedModelIsUsedWhenNamed() {
        given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .multiPart("model", "us.anthropic.claude-haiku-4-5-20251001-v1:0")
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("model", equalTo("us.anthropic.claude-haiku-4-5-20251001-v1:0"));
        assertThat(bedrock().lastCall().modelId()).isEqualTo("us.anthropic.claude-haiku-4-5-20251001-v1:0");
    }

    @Test
    void aSampleIsSentAsItsBytes() {
        given().multiPart("sample", "vehicle-rocket").multiPart("preset", "caption")
                .when().post("/v1/analyses").then().statusCode(200);
        assertThat(decoded(bedrock().lastCall().images().get(0))).isEqualTo(TestImages.ROCKET_JPEG_AS_SENT);
    }

    private static byte[] decoded(JsonObject image) {
        return Base64.getDecoder().decode(image.getJsonObject("source").getString("bytes"));
    }
}
