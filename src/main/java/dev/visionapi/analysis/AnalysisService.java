package dev.visionapi.analysis;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.api.ProblemException;
import dev.visionapi.api.ProblemType;
import dev.visionapi.bedrock.BedrockConverseClient;
import dev.visionapi.bedrock.ModelCall;
import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.bedrock.ModelCatalog;
import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.bedrock.ModelStreamEvent;
import dev.visionapi.config.ImagesConfig;
import dev.visionapi.image.ImagePreparer;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.image.PreparedImage;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Runs one analysis: checks the request, prepares the images on a worker thread, asks the model, and reports.
 * Everything that can be refused is refused before Bedrock is called.
 */
@ApplicationScoped
public class AnalysisService {

    private final PromptResolver prompts;
    private final ModelCatalog models;
    private final ImagePreparer preparer;
    private final BedrockConverseClient bedrock;
    private final StructuredAnswer structure;
    private final ImagesConfig limits;

    AnalysisService(PromptResolver prompts, ModelCatalog models, ImagePreparer preparer,
            BedrockConverseClient bedrock, StructuredAnswer structure, ImagesConfig limits) {
        this.structure = structure;
        this.prompts = prompts;
        this.models = models;
        this.preparer = preparer;
        this.bedrock = bedrock;
        this.limits = limits;
    }

    /** Checks and prepares on a worker thread, then asks the model without blocking. */
    public Uni<Analysis> analyse(AnalysisRequest request) {
        // Handed over, not captured: the pipeline stays reachable while the model answers, the uploads need not.
        AtomicReference<AnalysisRequest> handover = new AtomicReference<>(request);
        return Uni.createFrom().item(() -> prepare(Objects.requireNonNull(handover.getAndSet(null),
                        "An analysis is prepared once")))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(this::answer);
    }

    /**
     * Checks the request and prepares its images, here and now: blocking, so only on a worker thread. Everything a
     * client can get wrong fails here, before Bedrock is called or a stream opens.
     */
    public PreparedAnalysis prepare(AnalysisRequest request) {
        long started = System.nanoTime();
        Instruction instruction = prompts.resolve(request);
        ModelProfile model = models.select(request.model());
        checkImages(request.images(), model);
        int maxTokens = request.maxTokens().or(instruction::maxTokens).orElse(AnalysisRequest.DEFAULT_MAX_TOKENS);
        float temperature = request.temperature().or(instruction::temperature)
                .orElse(AnalysisRequest.DEFAULT_TEMPERATURE).floatValue();
        List<PreparedImage> images = request.images().stream().map(preparer::prepare).toList();
        return new PreparedAnalysis(new ModelCall(model, images, instruction.system(), instruction.prompt(),
                instruction.schema(), maxTokens, temperature), request.presetId().orElse(null),
                instruction.textTemplate().orElse(null), started);
    }

    /**
     * The model's answer to a prepared analysis as it is written. A structured answer has to be checked whole, so
     * it comes as a single {@code Done}, without deltas.
     */
    public Multi<AnalysisEvent> stream(PreparedAnalysis prepared) {
        if (prepared.structured()) {
            return answer(prepared).map(AnalysisEvent.Done::new).onItem().castTo(AnalysisEvent.class).toMulti();
        }
        return bedrock.converseStream(prepared.call()).map(event -> event instanceof ModelStreamEvent.Completed done
                ? new AnalysisEvent.Done(prepared.complete(done.answer()))
                : new AnalysisEvent.Delta(((ModelStreamEvent.TextDelta) event).text()));
    }

    private Uni<Analysis> answer(PreparedAnalysis prepared) {
        if (!prepared.structured()) {
            return bedrock.converse(prepared.call()).map(prepared.completion());
        }
        // A structured answer that does not follow the schema gets one more try, then is a model failure; the
        // images are kept for it.
        return structuredAnswer(prepared).onFailure(InvalidModelOutput.class).recoverWithUni(() -> structuredAnswer(prepared))
                .onFailure(InvalidModelOutput.class).transform(failure -> new ProblemException(
                        ProblemType.MODEL_OUTPUT_INVALID, "The model returned malformed output twice: "
                                + failure.getMessage()))
                .map(prepared::complete);
    }

    private Uni<ModelAnswer> structuredAnswer(PreparedAnalysis prepared) {
        JsonNode schema = prepared.call().outputSchema().orElseThrow();
        return bedrock.converse(prepared.call()).map(answer -> {
            List<String> problems = structure.problems(answer.data(), schema);
            if (!problems.isEmpty()) {
                throw new InvalidModelOutput(String.join("; ", problems));
            }
            return new ModelAnswer(structure.render(answer.data(), prepared.textTemplate()), answer.data(),
                    answer.stopReason(), answer.usage());
        });
    }

    /** A structured answer that does not follow its schema. */
    private static final class InvalidModelOutput extends RuntimeException {
        InvalidModelOutput(String problems) {
            super(problems, null, false, false);
        }
    }

    private void checkImages(List<ImageUpload> images, ModelProfile model) {
        if (images.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "Send at least one image as an 'image' file part, or a 'sample' ID.");
        }
        if (images.size() > limits.maxCount()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "Send at most %d images; this request has %d.".formatted(limits.maxCount(), images.size()));
        }
        if (images.size() > model.maxImages()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "Model '%s' takes at most %d image(s) per request; "
                    .formatted(model.id(), model.maxImages()) + "this request has %d.".formatted(images.size()));
        }
    }
}
