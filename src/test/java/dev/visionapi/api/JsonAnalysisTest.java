package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ReceivedImages;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** {@code POST /v1/analyses} with a JSON body: the same rules and answers as the form, errors named by JSON path. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class JsonAnalysisTest {

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    private static final String CAT = Base64.getEncoder().encodeToString(TestImages.CAT_PNG);

    @BeforeEach
    void reset() {
        bedrock().reset();
    }

    @Test
    void anInlineImageAndASampleAreAnalysedInOrder() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("base64", CAT), Map.of("sample", "cat-chelsea")),
                        "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("preset", equalTo("caption"))
                .body("images.size()", equalTo(2));

        assertThat(ReceivedImages.of(bedrock().lastCall())).containsExactly(TestImages.CAT_PNG_AS_SENT,
                TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void presetParametersComeAsAnObject() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("sample", "cat-chelsea")), "preset", "translation",
                        "parameters", Map.of("language", "German")))
                .when().post("/v1/analyses")
                .then().statusCode(200);

        assertThat(bedrock().lastCall().prompt()).contains("German");
    }

    @Test
    void anImageWithTwoSourcesOrNoneIsNamedByItsPath() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("sample", "cat-chelsea"),
                        Map.of("sample", "cat-chelsea", "base64", CAT), Map.of()), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:invalid-request"))
                .body("errors.field", equalTo(List.of("images[1]", "images[2]")));
        assertThat(bedrock().calls()).isEmpty();
    }

    @Test
    void fieldErrorsAreNamedByTheirJsonPath() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("sample", "x".repeat(101))), "preset", "caption",
                        "temperature", 2))
                .when().post("/v1/analyses")
                .then().statusCode(400)
                .body("errors.field", equalTo(List.of("images[0].sample", "temperature")));
    }

    @Test
    void theFormsRulesHold() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("sample", "cat-chelsea")), "preset", "caption",
                        "prompt", "Describe"))
                .when().post("/v1/analyses")
                .then().statusCode(400).body("detail", containsString("preset"));
        given().contentType(ContentType.JSON).body(Map.of("images", List.of(), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(400).body("errors.field", hasItem("images"));
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("sample", "no-such-sample")), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(400).body("detail", containsString("no-such-sample"));
        assertThat(bedrock().calls()).isEmpty();
    }

    @Test
    void badBase64AndNonImagesAreRefusedAsForUploads() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("base64", "not base64!")), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(400).body("detail", containsString("images[0].base64"));
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("base64",
                        Base64.getEncoder().encodeToString("plain text".getBytes()))), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(415).body("type", equalTo("urn:visionapi:problem:unsupported-media-type"));
        assertThat(bedrock().calls()).isEmpty();
    }

    @Test
    void anInlineImageOverTheLimitIs413() throws Exception {
        String large = Base64.getEncoder().encodeToString(new byte[20 * 1024 * 1024 + 1]);
        HttpRequest request = HttpRequest.newBuilder(analyses).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"images\": [{\"base64\": \"" + large
                        + "\"}], \"preset\": \"caption\"}"))
                .build();

        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("urn:visionapi:problem:payload-too-large", "images[0]");
    }

    @Test
    void malformedJsonIsA400Problem() {
        given().contentType(ContentType.JSON).body("{\"images\": [")
                .when().post("/v1/analyses")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:invalid-request"));
    }

    @Test
    void aJsonRequestStreamsWhenAskedTo() {
        String events = given().contentType(ContentType.JSON).accept("text/event-stream")
                .body(Map.of("images", List.of(Map.of("sample", "cat-chelsea")), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(200).contentType(containsString("text/event-stream"))
                .extract().asString();

        assertThat(events).contains("event:delta").contains("event:done");
    }

    @Test
    void anotherContentTypeIs415() {
        given().contentType(ContentType.TEXT).body("hello")
                .when().post("/v1/analyses")
                .then().statusCode(415).contentType("application/problem+json");
    }
}
