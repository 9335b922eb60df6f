package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ReceivedImages;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Images by https URL in a JSON request: fetched, checked and sent like uploads; every fetch failure a problem. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = ImageHostResource.class, restrictToAnnotatedClass = true)
class UrlAnalysisTest {

    @BeforeEach
    void reset() {
        bedrock().reset();
    }

    @Test
    void anImageByUrlIsSentLikeAnUpload() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("url", ImageHostResource.url("/cat.png")),
                        Map.of("sample", "cat-chelsea")), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(200).body("images.size()", equalTo(2));

        assertThat(ReceivedImages.of(bedrock().lastCall())).containsExactly(TestImages.CAT_PNG_AS_SENT,
                TestImages.CAT_PNG_AS_SENT);
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertThat(metrics).contains("source_fetch_duration_seconds_count{kind=\"url\",outcome=\"ok\"}")
                .contains("source_bytes_total{kind=\"url\"}");
    }

    @Test
    void whatIsFetchedIsSniffedLikeAnUpload() {
        expectProblem(ImageHostResource.url("/text"), 415, "unsupported-media-type", "not a PNG");
    }

    @Test
    void aRemoteErrorIsSourceUnreachableWithItsStatus() {
        expectProblem(ImageHostResource.url("/missing"), 502, "source-unreachable", "404");
    }

    @Test
    void internalAddressesStayForbiddenEvenThroughARedirect() {
        expectProblem(ImageHostResource.url("/to-metadata"), 400, "source-forbidden", "169.254");
        expectProblem("https://10.0.0.1/a.png", 400, "source-forbidden", "");
        expectProblem("http://example.org/a.png", 400, "source-forbidden", "");
        assertThat(bedrock().calls()).isEmpty();
    }

    @Test
    void anImageWithAUrlAndAnotherSourceIsRefused() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("url", ImageHostResource.url("/cat.png"), "sample", "cat-chelsea")),
                        "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(400).body("errors.field", equalTo(List.of("images[0]")));
    }

    @Test
    void aUrlImageStreamsToo() {
        String events = given().contentType(ContentType.JSON).accept("text/event-stream")
                .body(Map.of("images", List.of(Map.of("url", ImageHostResource.url("/cat.png"))), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(200).extract().asString();

        assertThat(events).contains("event:done");
    }

    @Test
    void aFailedFetchBeforeAStreamIsAnOrdinaryProblem() {
        given().contentType(ContentType.JSON).accept("text/event-stream")
                .body(Map.of("images", List.of(Map.of("url", ImageHostResource.url("/missing"))), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(502).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:source-unreachable"));
    }

    @Test
    void aHostThatStallsGets504AtTheDeadlineWhileOtherAnalysesAreServed() throws Exception {
        CompletableFuture<String> stalled = CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("url", ImageHostResource.url("/stall"))), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(504).contentType("application/problem+json")
                .extract().path("type"));

        for (int i = 0; i < 3; i++) {
            given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                    .when().post("/v1/analyses")
                    .then().statusCode(200);
        }
        assertThat(stalled).as("answered only at the 3 s fetch deadline").isNotDone();
        assertThat(stalled.get(30, TimeUnit.SECONDS)).isEqualTo("urn:visionapi:problem:source-timeout");
    }

    @Test
    void aFormTakesImageUrlFields() {
        given().multiPart("imageUrl", ImageHostResource.url("/cat.png")).multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then().statusCode(200).body("images.size()", equalTo(1));

        assertThat(ReceivedImages.of(bedrock().lastCall())).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void aFormMixingImageUrlWithFilesOrASampleIsRefused() {
        given().multiPart("imageUrl", ImageHostResource.url("/cat.png")).multiPart("sample", "cat-chelsea")
                .multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then().statusCode(400).body("detail", containsString("one kind per form"));
        given().multiPart("imageUrl", ImageHostResource.url("/cat.png"))
                .multiPart("image", "cat.png", TestImages.CAT_PNG).multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then().statusCode(400).body("detail", containsString("one kind per form"));
        assertThat(bedrock().calls()).isEmpty();
    }

    private static void expectProblem(String url, int status, String type, String detail) {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("url", url)), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:" + type))
                .body("detail", containsString(detail));
    }
}
