package dev.visionapi.api;

import static dev.visionapi.api.UsageTest.HAIKU;
import static dev.visionapi.api.UsageTest.LLAMA;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.api.UsageTest.Sums;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Without a database the ledger is kept in memory: {@code /v1/usage} still sums the analyses, under "anonymous" without keys. */
@QuarkusTest
@TestProfile(JobsWithoutDatabaseTest.NoDatabase.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class UsageWithoutDatabaseTest {

    @Test
    void theInMemoryLedgerSumsTheAnalysesUnderAnonymous() {
        JsonNode before = UsageTest.usage(null);
        assertThat(before.path("key").asText()).isEqualTo("anonymous");
        List<JsonNode> answers = List.of(UsageTest.analyse(null, HAIKU), UsageTest.analyse(null, LLAMA),
                UsageTest.analyseStreaming(null, LLAMA));
        JsonNode after = UsageTest.usage(null);

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(UsageTest.row(after, today, HAIKU).minus(UsageTest.row(before, today, HAIKU)))
                .isEqualTo(Sums.of(answers.get(0).path("usage")));
        assertThat(UsageTest.row(after, today, LLAMA).minus(UsageTest.row(before, today, LLAMA)))
                .isEqualTo(Sums.of(answers.get(1).path("usage")).plus(Sums.of(answers.get(2).path("usage"))));
        assertThat(after.path("budgetUsd").isNull()).isTrue();
    }
}
