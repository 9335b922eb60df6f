package dev.visionapi.analysis;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/** Presets added and replaced without a release, through {@code presets.file}. */
@QuarkusTest
@TestProfile(PresetFileTest.ExtraPresets.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class PresetFileTest {

    public static class ExtraPresets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("presets.file", "src/test/resources/presets/extra-presets.json");
        }
    }

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void anAddedPresetIsListedAndUsable() {
        given().get("/v1/presets").then().statusCode(200)
                .body("id", hasItems("receipt-total", "caption", "question"));
        bedrock().next(new Reply(EmulatorReply.toolUse("record_result",
                new JsonObject().put("total", 42.5).put("currency", "EUR"), 1500, 12)));

        given().multiPart("sample", "text-sign").multiPart("preset", "receipt-total")
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("text", equalTo("42.5 EUR"))
                .body("data.currency", equalTo("EUR"));
        assertThat(bedrock().lastCall().system()).isEqualTo("You read receipts for an expense system.");
        assertThat(bedrock().lastCall().body().getJsonObject("inferenceConfig").getInteger("maxTokens")).isEqualTo(200);
    }

    @Test
    void aPresetWithTheIdOfABuiltInOneReplacesIt() {
        given().get("/v1/presets/caption").then().statusCode(200).body("name", equalTo("Caption (house style)"));
        given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .when().post("/v1/analyses").then().statusCode(200);
        assertThat(bedrock().lastCall().prompt()).contains("in at most 12 words");
    }
}
