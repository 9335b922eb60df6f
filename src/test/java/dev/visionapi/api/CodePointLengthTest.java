package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Text limits count characters (Unicode code points), as the document's {@code maxLength} means: an emoji outside
 * the Basic Multilingual Plane is one character, though Java holds it in two UTF-16 units.
 */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class CodePointLengthTest {

    /** U+1F680 ROCKET: one code point, two UTF-16 units, four UTF-8 bytes. */
    private static final String ROCKET = "\uD83D\uDE80";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void answerAsBedrockDoes() {
        bedrock().reset(); // whatever a test class before this one scripted
    }

    @Test
    void aPromptOfTenThousandEmojiIsAccepted() throws Exception {
        String prompt = ROCKET.repeat(AnalysisForm.MAX_PROMPT_LENGTH);

        HttpResponse<String> response = post(new MultipartBody().field("sample", "cat-chelsea")
                .field("prompt", prompt));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(bedrock().lastCall().prompt()).isEqualTo(prompt);
    }

    @Test
    void aPromptOfOneEmojiMoreIsRefused() throws Exception {
        HttpResponse<String> response = post(new MultipartBody().field("sample", "cat-chelsea")
                .field("prompt", ROCKET.repeat(AnalysisForm.MAX_PROMPT_LENGTH + 1)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).findValuesAsText("field")).contains("prompt");
    }

    @Test
    void aPresetParameterAtItsLimitInEmojiIsAccepted() throws Exception {
        String question = ROCKET.repeat(2000);

        HttpResponse<String> response = post(new MultipartBody().field("sample", "cat-chelsea")
                .field("preset", "question").field("question", question));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(bedrock().lastCall().prompt()).contains(question);
    }

    @Test
    void aPresetParameterOfOneEmojiMoreIsRefused() throws Exception {
        HttpResponse<String> response = post(new MultipartBody().field("sample", "cat-chelsea")
                .field("preset", "question").field("question", ROCKET.repeat(2001)));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("detail").asText()).contains("'question'", "2000 characters");
    }

    private HttpResponse<String> post(MultipartBody form) throws IOException, InterruptedException {
        return client.send(form.post(analyses), HttpResponse.BodyHandlers.ofString());
    }
}
