package dev.visionapi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The batch limits the service refuses to start with: auto choosing batch below Bedrock's minimum, or files too small. */
class EngineChoiceTest {

    @Test
    void theDefaultsAndLimitsThatAgreeAreAccepted() {
        assertThat(EngineChoice.contradiction(100, 100, 50_000)).isEmpty();
        assertThat(EngineChoice.contradiction(1_000, 100, 100)).isEmpty();
    }

    @Test
    void autoMayNotChooseBatchForFewerItemsThanBedrockTakesInAJob() {
        assertThat(EngineChoice.contradiction(50, 100, 50_000)).hasValueSatisfying(problem -> assertThat(problem)
                .contains("jobs.batch.min-records (50)").contains("jobs.batch.min-records-per-job (100)"));
    }

    @Test
    void filesMayNotBeCappedBelowTheMinimumPerJob() {
        assertThat(EngineChoice.contradiction(100, 100, 99)).hasValueSatisfying(problem -> assertThat(problem)
                .contains("jobs.batch.max-records-per-job (99)"));
    }
}
