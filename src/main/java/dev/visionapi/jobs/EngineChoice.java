package dev.visionapi.jobs;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/**
 * The one place where a job's engine is chosen from what the client asked ({@code auto}, {@code on-demand} or
 * {@code bedrock-batch}), the job's size and its model. This instance has no batch engine: {@code auto} runs on
 * demand and {@code bedrock-batch} is refused.
 */
@ApplicationScoped
public class EngineChoice {

    /** The engine for a job of {@code items} items on {@code model}; a 400 naming {@code engine} when none fits. */
    public Engine choose(String requested, int items, ModelProfile model) {
        String engine = requested == null || requested.isBlank() ? "auto" : requested;
        return switch (engine) {
            case "auto", "on-demand" -> Engine.ON_DEMAND;
            case "bedrock-batch" -> throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "'engine': the batch engine is not available on this instance; use 'on-demand' or 'auto'.");
            default -> throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "'engine' must be one of 'auto', 'on-demand' and 'bedrock-batch'.");
        };
    }
}
