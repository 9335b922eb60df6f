package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/** Every request the service must refuse is refused with the right problem, and never reaches Bedrock. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class AnalysisValidationTest {

    private static final byte[] BROKEN_MULTIPART = "--xyz\r\nnot a part".getBytes(StandardCharsets.US_ASCII);

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @AfterEach
    void nothingWasForwarded() {
        assertThat(bedrock().calls()).isEmpty();
    }

    @Test
    void missingImage() {
        expectProblem(given().multiPart("preset", "caption"), 400, "invalid-request")
                .body("detail", containsString("at least one image"));
    }

    @Test
    void neitherPromptNorPreset() {
        expectProblem(withCat(), 400, "invalid-request").body("detail", containsString("exactly one of 'preset'"));
    }

    @Test
    void bothPromptAndPreset() {
        expectProblem(withCat().multiPart("preset", "caption").multiPart("prompt", "Describe it."), 400,
                "invalid-request").body("detail", containsString("exactly one of 'preset'"));
    }

    @Test
    void unknownPreset() {
        expectProblem(withCat().multiPart("preset", "horoscope"), 400, "invalid-request")
                .body("detail", containsString("Unknown preset 'horoscope'"));
    }

    @Test
    void missingRequiredPresetParameter() {
        expectProblem(withCat().multiPart("preset", "question"), 400, "invalid-request")
                .body("detail", containsString("needs the 'question' field"));
    }

    @Test
    void tooLongPresetParameter() {
        expectProblem(withCat().multiPart("preset", "question").multiPart("question", "?".repeat(2001)), 400,
                "invalid-request").body("detail", containsString("longer than 2000"));
    }

    @Test
    void maxTokensOutOfRange() {
        expectProblem(withCat().multiPart("preset", "caption").multiPart("maxTokens", "8193"), 400, "invalid-request")
                .body("errors.field", hasItem("maxTokens"));
        expectProblem(withCat().multiPart("preset", "caption").multiPart("maxTokens", "0"), 400, "invalid-request")
                .body("errors.field", hasItem("maxTokens"));
    }

    @Test
    void maxTokensNotANumber() {
        expectProblem(withCat().multiPart("preset", "caption").multiPart("maxTokens", "lots"), 400, "invalid-request");
    }

    @Test
    void temperatureOutOfRange() {
        expectProblem(withCat().multiPart("preset", "caption").multiPart("temperature", "1.5"), 400, "invalid-request")
                .body("errors.field", hasItem("temperature"));
        expectProblem(withCat().multiPart("preset", "caption").multiPart("temperature", "-0.1"), 400, "invalid-request")
                .body("errors.field", hasItem("temperature"));
    }

    @Test
    void modelNotAllowed() {
        expectProblem(withCat().multiPart("preset", "caption").multiPart("model", "anthropic.claude-v2"), 400,
                "invalid-request").body("detail", containsString("not allowed"));
    }

    @Test
    void promptLongerThanTenThousandCharacters() {
        expectProblem(withCat().multiPart("prompt", "ü".repeat(10_001)), 400, "invalid-request")
                .body("errors.field", hasItem("prompt"));
    }

    @Test
    void unknownSample() {
        expectProblem(given().multiPart("sample", "unicorn").multiPart("preset", "caption"), 400, "invalid-request")
                .body("detail", containsString("Unknown sample 'unicorn'"));
    }

    @Test
    void sampleAndImageTogether() {
        expectProblem(withCat().multiPart("sample", "cat-chelsea").multiPart("preset", "caption"), 400,
                "invalid-request");
    }

    @Test
    void moreThanTwentyImages() {
        RequestSpecification request = given().multiPart("preset", "caption");
        for (int i = 0; i < 21; i++) {
            request.multiPart("image", "cat" + i + ".png", TestImages.CAT_PNG, "image/png");
        }
        expectProblem(request, 400, "invalid-request").body("detail", containsString("at most 20 images"));
    }

    @Test
    void imageLargerThanTheFileLimit() throws Exception {
        byte[] large = Arrays.copyOf(TestImages.CAT_PNG, 30_000_000);
        HttpRequest request = new MultipartBody().field("preset", "caption").file("image", "large.png", large)
                .post(analyses);
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains("urn:visionapi:problem:payload-too-large", "large.png");
    }

    @Test
    void bodyLargerThanTheRequestLimitIsRefusedBeforeItIsRead() throws IOException {
        // Only the head is sent: the refusal must come from the declared length, without waiting for 101 MiB.
        try (Socket socket = new Socket(analyses.getHost(), analyses.getPort())) {
            socket.setSoTimeout(10_000);
            String head = "POST /v1/analyses HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: multipart/form-data; boundary=unused\r\n"
                    + "Content-Length: " + 101 * 1024 * 1024 + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 413")
                    .containsIgnoringCase("Content-Type: application/problem+json")
                    .contains("urn:visionapi:problem:payload-too-large", "104857600");
        }
    }

    @Test
    void textIsNotAnImageWhateverItClaims() {
        byte[] text = "just some text, not an image".getBytes(StandardCharsets.UTF_8);
        expectProblem(given().multiPart("image", "photo.png", text, "image/png").multiPart("preset", "caption"), 415,
                "unsupported-media-type").body("detail", containsString("photo.png"));
    }

    @Test
    void pdfIsNotAnImage() {
        byte[] pdf = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".getBytes(StandardCharsets.US_ASCII);
        expectProblem(given().multiPart("image", "scan.png", pdf, "image/png").multiPart("preset", "caption"), 415,
                "unsupported-media-type");
    }

    @Test
    void randomBytesBehindAnImageSignatureAreUnreadable() {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        System.arraycopy(signature, 0, garbage, 0, signature.length);
        expectProblem(given().multiPart("image", "noise.png", garbage, "image/png").multiPart("preset", "caption"),
                422, "unreadable-image");
    }

    @Test
    void pngSignatureWithGarbageBehindIt() {
        byte[] broken = Arrays.copyOf(TestImages.CAT_PNG, 12);
        expectProblem(given().multiPart("image", "broken.png", broken, "image/png").multiPart("preset", "caption"),
                422, "unreadable-image");
    }

    @Test
    void neitherMultipartNorJson() {
        expectProblem(given().contentType("application/xml").body("<preset>caption</preset>"), 415,
                "unsupported-media-type");
    }

    @Test
    void noContentType() throws Exception {
        // The JDK's client, unlike REST Assured, sends a body without Content-Type when told none.
        HttpRequest request = HttpRequest.newBuilder(analyses)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new MultipartBody().field("sample", "cat-chelsea")
                        .field("preset", "caption").bytes())).build();
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(request.headers().firstValue("Content-Type")).isEmpty();
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains("urn:visionapi:problem:unsupported-media-type", "Content-Type");
    }

    @Test
    void brokenMultipartBody() {
        expectProblem(given().contentType("multipart/form-data; boundary=xyz").body(BROKEN_MULTIPART), 400,
                "invalid-request");
    }

    @Test
    void problemsCarryNoStackTraceOrClassName() {
        given().contentType("multipart/form-data; boundary=xyz").body(BROKEN_MULTIPART)
                .when().post("/v1/analyses")
                .then().body(not(containsString("Exception"))).body(not(containsString("at org.")));
    }

    private static RequestSpecification withCat() {
        return given().multiPart("image", "cat.png", TestImages.CAT_PNG, "image/png");
    }

    static ValidatableResponse expectProblem(RequestSpecification request, int status, String type) {
        return request.when().post("/v1/analyses")
                .then().statusCode(status)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:" + type))
                .body("status", equalTo(status))
                .body("title", not(equalTo(null)))
                .body("detail", not(equalTo(null)));
    }
}
