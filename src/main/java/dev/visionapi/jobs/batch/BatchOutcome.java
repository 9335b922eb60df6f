package dev.visionapi.jobs.batch;

import java.math.BigDecimal;

import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.problem.ProblemType;

/** What became of one item of a Bedrock batch job: its answer, or the problem that took its place. */
public sealed interface BatchOutcome {

    /** The item's index, from its recordId. */
    long index();

    /**
     * The model answered; structured answers were checked against the preset's schema and rendered as text.
     *
     * @param estimatedCostUsd at the model's batch prices; null when they or a token count are unknown
     */
    record Succeeded(long index, ModelAnswer answer, BigDecimal estimatedCostUsd) implements BatchOutcome {
    }

    /** The item failed: the problem {@code /v1/analyses} would answer for it (status {@code type.status()}). */
    record Failed(long index, ProblemType type, String detail) implements BatchOutcome {
    }
}
