package dev.visionapi.jobs.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.analysis.StructuredAnswer;
import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.problem.ProblemType;

/** Each line of a batch output file becomes the item's answer or its problem. */
class OutputRecordParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelProfile CLAUDE = new ModelProfile("us.anthropic.claude-haiku-4-5-20251001-v1:0",
            "Claude Haiku 4.5", "Anthropic", true, 20, BigDecimal.ONE, BigDecimal.TEN, true, new BigDecimal("0.50"),
            new BigDecimal("5.00"), false);
    private static final String INPUT = "\"modelInput\":{\"messages\":[{\"role\":\"user\",\"content\":[{\"image\":"
            + "{\"format\":\"png\",\"source\":{\"bytes\":\"iVBORw0KGgo=\"}}},{\"text\":\"{not json\"}]}]}";

    private final OutputRecordParser parser = new OutputRecordParser(JSON, new StructuredAnswer());
    private final ExpectedAnswer text = new ExpectedAnswer(CLAUDE, Optional.empty(), null);

    @Test
    void anAnswerHasItsTextUsageAndBatchCost() throws Exception {
        BatchOutcome outcome = parse("{\"recordId\":\"00000000003\"," + INPUT + ",\"modelOutput\":{\"output\":"
                + "{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"A cat.\"}]}},\"stopReason\":\"end_turn\","
                + "\"usage\":{\"inputTokens\":1000,\"outputTokens\":100,\"totalTokens\":1100}}}", text);

        assertThat(outcome).isInstanceOfSatisfying(BatchOutcome.Succeeded.class, succeeded -> {
            assertThat(succeeded.index()).isEqualTo(3);
            assertThat(succeeded.answer().text()).isEqualTo("A cat.");
            assertThat(succeeded.answer().stopReason()).isEqualTo("end_turn");
            assertThat(succeeded.answer().usage().inputTokens()).isEqualTo(1000);
            assertThat(succeeded.answer().usage().totalTokens()).isEqualTo(1100);
            // 1000 × 0.50 + 100 × 5.00 per million
            assertThat(succeeded.estimatedCostUsd()).isEqualByComparingTo("0.001");
        });
    }

    @Test
    void aStructuredAnswerIsCheckedAgainstTheSchemaAndRendered() throws Exception {
        JsonNode schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"category\":{\"type\":\"string\","
                + "\"enum\":[\"Cat\",\"Dog\"]}},\"required\":[\"category\"]}");
        ExpectedAnswer structured = new ExpectedAnswer(CLAUDE, Optional.of(schema), "It is a {{category}}.");

        BatchOutcome valid = parse(answer(4, "{\\\"category\\\":\\\"Cat\\\"}"), structured);
        BatchOutcome invalid = parse(answer(5, "{\\\"category\\\":\\\"Bird\\\"}"), structured);
        BatchOutcome none = parse(answer(6, "no JSON here"), structured);

        assertThat(valid).isInstanceOfSatisfying(BatchOutcome.Succeeded.class, succeeded -> {
            assertThat(succeeded.answer().text()).isEqualTo("It is a Cat.");
            assertThat(succeeded.answer().data().get("category").asText()).isEqualTo("Cat");
        });
        assertThat(invalid).isInstanceOfSatisfying(BatchOutcome.Failed.class, failed ->
                assertThat(failed.type()).isEqualTo(ProblemType.MODEL_OUTPUT_INVALID));
        assertThat(none).isInstanceOfSatisfying(BatchOutcome.Failed.class, failed ->
                assertThat(failed.type()).isEqualTo(ProblemType.MODEL_OUTPUT_INVALID));
    }

    @Test
    void anErrorBecomesAProblemByItsCode() throws Exception {
        assertThat(parse(error(1, 400, "ValidationException: too many images"), text))
                .isInstanceOfSatisfying(BatchOutcome.Failed.class, failed -> {
                    assertThat(failed.index()).isEqualTo(1);
                    assertThat(failed.type()).isEqualTo(ProblemType.MODEL_REJECTED_REQUEST);
                    assertThat(failed.detail()).contains("too many images");
                });
        assertThat(parse(error(2, 500, "arn:aws:iam::123456789012:role/secret failed"), text))
                .isInstanceOfSatisfying(BatchOutcome.Failed.class, failed -> {
                    assertThat(failed.type()).isEqualTo(ProblemType.BEDROCK_FAILED);
                    assertThat(failed.detail()).doesNotContain("arn:").contains("500");
                });
        assertThat(parse(error(3, 429, "throttled"), text)).isInstanceOfSatisfying(BatchOutcome.Failed.class,
                failed -> assertThat(failed.type()).isEqualTo(ProblemType.BEDROCK_FAILED));
    }

    @Test
    void aLineWithoutOneOfOurRecordIdsIsNoOutcome() throws Exception {
        assertThat(parse("{\"recordId\":\"CALL0000001\",\"modelOutput\":{}}", text)).isNull();
        assertThat(parse("{\"modelOutput\":{}}", text)).isNull();
    }

    @Test
    void linesAreSplitAcrossChunksAndALastLineWithoutNewlineCounts() {
        LineSplitter lines = new LineSplitter(1024);
        List<String> got = new ArrayList<>();
        for (String chunk : new String[] {"{\"a\":1}\n{\"b\"", ":2}\n\n", "{\"c\":3}"}) {
            lines.accept(ByteBuffer.wrap(chunk.getBytes(StandardCharsets.UTF_8)))
                    .forEach(line -> got.add(new String(line, StandardCharsets.UTF_8)));
        }
        lines.rest().forEach(line -> got.add(new String(line, StandardCharsets.UTF_8)));

        assertThat(got).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
    }

    @Test
    void aLineLongerThanTheLimitIsDroppedAndTheNextKept() {
        LineSplitter lines = new LineSplitter(8);

        List<byte[]> got = lines.accept(ByteBuffer.wrap("0123456789abc\nshort\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(got).extracting(line -> new String(line, StandardCharsets.UTF_8)).containsExactly("short");
    }

    @Test
    void recordIdsAreElevenDigitIndexes() {
        assertThat(BatchRecordId.of(0)).isEqualTo("00000000000");
        assertThat(BatchRecordId.of(99_999)).isEqualTo("00000099999");
        assertThat(BatchRecordId.index("00000099999")).isEqualTo(99_999);
        assertThat(BatchRecordId.index("0000009999")).isEqualTo(-1);
        assertThat(BatchRecordId.index("3223593EFGH")).isEqualTo(-1);
    }

    private BatchOutcome parse(String line, ExpectedAnswer expected) throws Exception {
        return parser.parse(line.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static String answer(int index, String escapedText) {
        return "{\"recordId\":\"%s\",%s,\"modelOutput\":{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":"
                .formatted(BatchRecordId.of(index), INPUT) + "[{\"text\":\"" + escapedText + "\"}]}},"
                + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":10,\"outputTokens\":5,\"totalTokens\":15}}}";
    }

    private static String error(int index, int code, String message) {
        return "{\"recordId\":\"%s\",%s,\"error\":{\"errorCode\":%d,\"errorMessage\":\"%s\"}}"
                .formatted(BatchRecordId.of(index), INPUT, code, message);
    }
}
