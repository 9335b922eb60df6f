package dev.visionapi.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A sample image is served whatever the request's Accept says: openapi-generator's Python client sends the
 * operation's JSON-like type ({@code application/problem+json}) and got 406. Problems stay problem+json.
 */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class SampleAcceptTest {

    @ParameterizedTest
    @ValueSource(strings = {"application/problem+json", "application/json", "text/html", "image/jpeg", "*/*"})
    void theImageIsServedWhateverTheAccept(String accept) {
        byte[] body = given().header("Accept", accept).when().get("/v1/samples/cat-chelsea")
                .then().statusCode(200).contentType("image/png")
                .extract().asByteArray();
        assertThat(body).isEqualTo(TestImages.CAT_PNG);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/problem+json", "image/png"})
    void anUnknownSampleIsAProblemWhateverTheAccept(String accept) {
        given().header("Accept", accept).when().get("/v1/samples/unicorn")
                .then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:visionapi:problem:not-found"));
    }
}
