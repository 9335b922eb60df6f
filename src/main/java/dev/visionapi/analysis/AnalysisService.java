package dev.visionapi.analysis;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.api.ProblemException;
import dev.visionapi.api.ProblemType;
import dev.visionapi.bedrock.BedrockConverseClient;
import dev.visionapi.bedrock.ModelCall;
import dev.visionapi.bedrock.ModelSelector;
import dev.visionapi.config.ImagesConfig;
import dev.visionapi.image.ImagePreparer;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.image.ImageWorkers;
import io.smallrye.mutiny.Uni;

/**
 * Runs one analysis: checks the request, prepares the images on the image workers, asks the model, and reports.
 * Everything that can be refused is refused before Bedrock is called.
 */
@ApplicationScoped
public class AnalysisService {

    private final PromptResolver prompts;
    private final ModelSelector models;
    private final ImagePreparer preparer;
    private final BedrockConverseClient bedrock;
    private final ImageWorkers workers;
    private final ImagesConfig limits;

    AnalysisService(PromptResolver prompts, ModelSelector models, ImagePreparer preparer, ImageWorkers workers,
            BedrockConverseClient bedrock, ImagesConfig limits) {
        this.workers = workers;
        this.prompts = prompts;
        this.models = models;
        this.preparer = preparer;
        this.bedrock = bedrock;
        this.limits = limits;
    }

    public Uni<Analysis> analyse(AnalysisRequest request) {
        long started = System.nanoTime();
        String prompt = prompts.resolve(request);
        String model = models.select(request.model());
        checkImages(request.images());
        int maxTokens = request.maxTokens().orElse(AnalysisRequest.DEFAULT_MAX_TOKENS);
        float temperature = request.temperature().orElse(AnalysisRequest.DEFAULT_TEMPERATURE).floatValue();
        return Uni.createFrom().item(() -> request.images().stream().map(preparer::prepare).toList())
                .runSubscriptionOn(workers.executor())
                .chain(images -> bedrock.converse(new ModelCall(model, images, prompt, maxTokens, temperature))
                        .map(answer -> new Analysis(UUID.randomUUID().toString(), model,
                                request.presetId().orElse(null), answer, images,
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))));
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
