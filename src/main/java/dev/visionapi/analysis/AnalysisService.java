package dev.visionapi.analysis;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.api.ProblemException;
import dev.visionapi.api.ProblemType;
import dev.visionapi.bedrock.BedrockConverseClient;
import dev.visionapi.bedrock.ModelCall;
import dev.visionapi.bedrock.ModelSelector;
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
    private final ModelSelector models;
    private final ImagePreparer preparer;
    private final BedrockConverseClient bedrock;
    private final ImagesConfig limits;

    AnalysisService(PromptResolver prompts, ModelSelector models, ImagePreparer preparer,
            BedrockConverseClient bedrock, ImagesConfig limits) {
        this.prompts = prompts;
        this.models = models;
        this.preparer = preparer;
        this.bedrock = bedrock;
        this.limits = limits;
    }

    /** Checks and prepares on a worker thread, then asks the model without blocking. */
    public Uni<Analysis> analyse(AnalysisRequest request) {
        return Uni.createFrom().item(() -> prepare(request))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(prepared -> bedrock.converse(prepared.call()).map(prepared::complete));
    }

    /**
     * Checks the request and prepares its images, here and now: blocking, so only on a worker thread. Everything a
     * client can get wrong fails here, before Bedrock is called or a stream opens.
     */
    public PreparedAnalysis prepare(AnalysisRequest request) {
        long started = System.nanoTime();
        String prompt = prompts.resolve(request);
        String model = models.select(request.model());
        checkImages(request.images());
        int maxTokens = request.maxTokens().orElse(AnalysisRequest.DEFAULT_MAX_TOKENS);
        float temperature = request.temperature().orElse(AnalysisRequest.DEFAULT_TEMPERATURE).floatValue();
        List<PreparedImage> images = request.images().stream().map(preparer::prepare).toList();
        return new PreparedAnalysis(new ModelCall(model, images, prompt, maxTokens, temperature),
                request.presetId().orElse(null), started);
    }

    /** The model's answer to a prepared analysis as it is written. */
    public Multi<AnalysisEvent> stream(PreparedAnalysis prepared) {
        return bedrock.converseStream(prepared.call()).map(event -> event instanceof ModelStreamEvent.Completed done
                ? new AnalysisEvent.Done(prepared.complete(done.answer()))
                : new AnalysisEvent.Delta(((ModelStreamEvent.TextDelta) event).text()));
    }

    private void checkImages(List<ImageUpload> images) {
        if (images.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "Send at least one image as an 'image' file part, or a 'sample' ID.");
        }
        if (images.size() > limits.maxCount()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "Send at most %d images; this request has %d.".formatted(limits.maxCount(), images.size()));
        }
        for (ImageUpload image : images) {
            if (image.size() > limits.maxFileBytes()) {
                throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "'%s' has %d bytes; the limit is %d bytes per image."
                        .formatted(image.name(), image.size(), limits.maxFileBytes()));
            }
        }
    }
}
