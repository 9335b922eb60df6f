package dev.visionapi.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The presets and samples a client chooses from. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class CatalogResourceTest {

    @Test
    void presetsCoverTheOriginalDemosPrompts() {
        given().when().get("/v1/presets")
                .then().statusCode(200)
                .body("id", containsInAnyOrder("caption", "detailed-description", "classification",
                        "object-recognition", "subject-identification", "story", "question", "transcription",
                        "translation", "alt-text", "moderation", "content-match", "mask-prompt", "text-extraction"))
                .body("find { it.id == 'question' }.parameters[0].name", equalTo("question"))
                .body("find { it.id == 'question' }.parameters[0].required", equalTo(true))
                .body("find { it.id == 'translation' }.parameters[0].defaultValue", equalTo("French"))
                .body("find { it.id == 'classification' }.parameters[0].defaultValue", equalTo("People, Food, Other"));
    }

    @Test
    void samplesAreListedWithTheirUrls() {
        given().when().get("/v1/samples")
                .then().statusCode(200)
                .body("", hasSize(6))
                .body("id", hasItems("cat-chelsea", "vehicle-rocket"))
                .body("find { it.id == 'vehicle-rocket' }.mediaType", equalTo("image/jpeg"))
                .body("find { it.id == 'cat-chelsea' }.url", equalTo("/v1/samples/cat-chelsea"));
    }

    @Test
    void aSampleIsServedAsItsBytes() {
        byte[] body = given().when().get("/v1/samples/cat-chelsea")
                .then().statusCode(200).contentType("image/png")
                .extract().asByteArray();
        assertThat(body).isEqualTo(TestImages.CAT_PNG);
    }

    @Test
    void anUnknownSampleIsA404Problem() {
        given().when().get("/v1/samples/unicorn")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:not-found"));
    }

    @Test
    void anUnknownPathIsA404Problem() {
        given().when().get("/v1/nothing-here")
                .then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aWrongMethodIsA405Problem() {
        given().when().delete("/v1/presets")
                .then().statusCode(405)
                .contentType("application/problem+json")
                .body("status", equalTo(405));
    }
}
