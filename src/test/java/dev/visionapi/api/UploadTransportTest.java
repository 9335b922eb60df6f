package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The ways HTTP clients send the form: sized or chunked, with or without 100-continue, other parts beside it. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class UploadTransportTest {

    private static final HttpClient HTTP_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void aChunkedUploadArrivesIntact() throws Exception {
        HttpResponse<String> response = HTTP_1.send(catCaption().postChunked(analyses),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.request().headers().firstValue("Content-Length")).isEmpty();
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG);
    }

    @Test
    void aClientWaitingFor100ContinueGetsItAndItsAnswer() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(catCaption().post(analyses), (name, value) -> true)
                .expectContinue(true).build();

        HttpResponse<String> response = HTTP_1.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG);
    }

    @Test
    void filePartsOtherThanImagesAreIgnored() throws Exception {
        MultipartBody body = new MultipartBody().file("attachment", "notes.txt", new byte[100_000])
                .file("image", "cat.png", TestImages.CAT_PNG).field("preset", "caption");

        HttpResponse<String> response = HTTP_1.send(body.post(analyses), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG);
    }

    @Test
    void aPromptInAnyScriptReachesBedrockUnchanged() throws Exception {
        String prompt = "Décris l’image en français — 日本語でも 🐱";
        MultipartBody body = new MultipartBody().file("image", "cat.png", TestImages.CAT_PNG).field("prompt", prompt);

        HttpResponse<String> response = HTTP_1.send(body.post(analyses), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(bedrock().lastCall().prompt()).isEqualTo(prompt);
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG);
    }

    @Test
    void aTextFieldLongerThanTheFormLimitIs413() throws Exception {
        MultipartBody body = new MultipartBody().file("image", "cat.png", TestImages.CAT_PNG)
                .field("prompt", "x".repeat(70_000));

        HttpResponse<String> response = HTTP_1.send(body.post(analyses), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains("urn:visionapi:problem:payload-too-large", "65536");
        assertThat(bedrock().calls()).isEmpty();
    }

    private static MultipartBody catCaption() {
        return new MultipartBody().file("image", "cat.png", TestImages.CAT_PNG).field("preset", "caption");
    }

    private static List<byte[]> imagesSentToBedrock() {
        return bedrock().lastCall().imageBytes();
    }
}
