package dev.visionapi.jobs.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.bedrock.BedrockConverseClient;
import dev.visionapi.bedrock.ModelCall;
import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.image.ImageFormat;
import dev.visionapi.image.PreparedImage;
import dev.visionapi.image.TestImages;

/** A batch record is the Converse request the on-demand path would send, in Converse's JSON, on one line. */
class ConverseRecordEncoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelProfile CLAUDE = new ModelProfile("us.anthropic.claude-haiku-4-5-20251001-v1:0",
            "Claude Haiku 4.5", "Anthropic", true, 20, BigDecimal.ONE, BigDecimal.TEN, true, new BigDecimal("0.5"),
            new BigDecimal("5"), false, true, 4096, new BigDecimal("0.1"), new BigDecimal("1.25"), true);
    /** Tool use and prompt caching, but no native structured output. */
    private static final ModelProfile NOVA = new ModelProfile("us.amazon.nova-pro-v1:0", "Amazon Nova Pro", "Amazon",
            true, 20, new BigDecimal("0.8"), new BigDecimal("3.2"), true, new BigDecimal("0.4"), new BigDecimal("1.6"),
            true, true, 1000, new BigDecimal("0.2"), new BigDecimal("0.8"), false);
    private static final ModelProfile LLAMA = new ModelProfile("us.meta.llama3-2-11b-instruct-v1:0", "Llama", "Meta",
            false, 1, null, null, true, null, null, false);
    private static final PreparedImage CAT = new PreparedImage(TestImages.CAT_PNG_AS_SENT, ImageFormat.PNG, 10, 10, 10,
            10, TestImages.CAT_PNG.length, false);

    private final ConverseRecordEncoder encoder = new ConverseRecordEncoder(JSON);

    @Test
    void aTextRecordHoldsTheImagesThePromptAndTheInferenceConfig() throws Exception {
        byte[] line = encoder.encode(new BatchItem(42, new ModelCall(CLAUDE, List.of(CAT), Optional.of("Be brief."),
                "Describe it.", Optional.empty(), 300, 0.5f, false)));

        assertThat(new String(line, StandardCharsets.UTF_8)).endsWith("}\n").doesNotContain("\n{");
        JsonNode record = JSON.readTree(line);
        assertThat(record.get("recordId").asText()).isEqualTo("00000000042");
        JsonNode input = record.get("modelInput");
        JsonNode content = input.at("/messages/0/content");
        assertThat(input.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(content.at("/0/image/format").asText()).isEqualTo("png");
        assertThat(Base64.getDecoder().decode(content.at("/0/image/source/bytes").asText()))
                .isEqualTo(TestImages.CAT_PNG_AS_SENT);
        assertThat(content.at("/1/text").asText()).isEqualTo("Describe it.");
        assertThat(input.at("/system/0/text").asText()).isEqualTo("Be brief.");
        assertThat(input.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(300);
        assertThat(input.at("/inferenceConfig/temperature").asDouble()).isEqualTo(0.5);
        assertThat(input.has("outputConfig")).isFalse();
        assertThat(input.has("toolConfig")).isFalse();
    }

    @Test
    void aStructuredRecordAsksForNativeStructuredOutputNotForATool() throws Exception {
        JsonNode schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"category\":{\"type\":\"string\"}}}");

        JsonNode input = JSON.readTree(encoder.encode(new BatchItem(7, new ModelCall(CLAUDE, List.of(CAT),
                Optional.empty(), "Classify it.", Optional.of(schema), 300, 0f, false)))).get("modelInput");

        assertThat(input.has("toolConfig")).isFalse();
        assertThat(input.has("system")).isFalse();
        assertThat(input.at("/outputConfig/textFormat/type").asText()).isEqualTo("json_schema");
        assertThat(JSON.readTree(input.at("/outputConfig/textFormat/structure/jsonSchema/schema").asText()))
                .isEqualTo(schema);
    }

    @Test
    void aModelWithToolUseButWithoutNativeStructuredOutputGetsTheJsonOnlyPrompt() throws Exception {
        JsonNode schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"category\":{\"type\":\"string\"}}}");

        JsonNode input = JSON.readTree(encoder.encode(new BatchItem(7, new ModelCall(NOVA, List.of(CAT),
                Optional.empty(), "Classify it.", Optional.of(schema), 300, 0f, false)))).get("modelInput");

        assertThat(input.has("outputConfig")).isFalse();
        assertThat(input.has("toolConfig")).isFalse();
        assertThat(input.at("/system/0/text").asText()).isEqualTo(BedrockConverseClient.jsonOnlyInstruction(schema));
    }

    @Test
    void aRecordHasNoCachePointEvenForImagesLongEnoughForOne() throws Exception {
        PreparedImage large = new PreparedImage(TestImages.CAT_PNG_AS_SENT, ImageFormat.PNG, 1568, 1568, 1568, 1568,
                TestImages.CAT_PNG.length, false);

        JsonNode input = JSON.readTree(encoder.encode(new BatchItem(1, new ModelCall(NOVA, List.of(large, large),
                Optional.empty(), "Describe it.", Optional.empty(), 300, 0f, true)))).get("modelInput");

        assertThat(input.at("/messages/0/content").findValues("cachePoint")).isEmpty();
        assertThat(input.at("/messages/0/content").size()).isEqualTo(3);
    }

    @Test
    void aModelWithoutStructuredOutputGetsTheJsonOnlyPromptInstead() throws Exception {
        JsonNode schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"category\":{\"type\":\"string\"}}}");

        JsonNode input = JSON.readTree(encoder.encode(new BatchItem(7, new ModelCall(LLAMA, List.of(CAT),
                Optional.of("Be brief."), "Classify it.", Optional.of(schema), 300, 0f, false)))).get("modelInput");

        assertThat(input.has("outputConfig")).isFalse();
        assertThat(input.has("toolConfig")).isFalse();
        assertThat(input.at("/system/0/text").asText()).isEqualTo("Be brief.");
        assertThat(input.at("/system/1/text").asText()).isEqualTo(BedrockConverseClient.jsonOnlyInstruction(schema));
    }
}
