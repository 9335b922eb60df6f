package dev.visionapi.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.cache.CacheDirectives;
import dev.visionapi.cache.ResultCache;
import dev.visionapi.bedrock.BedrockConverseClient;
import dev.visionapi.bedrock.ModelCall;
import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.bedrock.ModelCatalog;
import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.bedrock.ModelStreamEvent;
import dev.visionapi.config.AnalysisConfig;
import dev.visionapi.config.ImagesConfig;
import dev.visionapi.image.CheckedImage;
import dev.visionapi.image.ImageSummary;
import dev.visionapi.image.ImagePreparer;
import dev.visionapi.image.ImageReference;
import dev.visionapi.image.RequestImage;
import dev.visionapi.image.PreparedImage;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Runs one analysis: checks the request, prepares the images off the event loop, asks the model (once per preset when
 * the request names several, the images prepared once), and reports. Everything that can be refused is refused
 * before Bedrock is called.
 */
@ApplicationScoped
public class AnalysisService {

    private final PromptResolver prompts;
    private final ModelCatalog models;
    private final ImagePreparer preparer;
    private final BedrockConverseClient bedrock;
    private final StructuredAnswer structure;
    private final ImagesConfig limits;
    private final PreparationPool preparation;
    private final AnalysisConfig.PromptCache promptCache;
    private final ResultCache cache;

    AnalysisService(PromptResolver prompts, ModelCatalog models, ImagePreparer preparer,
            BedrockConverseClient bedrock, StructuredAnswer structure, ImagesConfig limits,
            PreparationPool preparation, AnalysisConfig config, ResultCache cache) {
        this.promptCache = config.promptCache();
        this.cache = cache;
        this.structure = structure;
        this.prompts = prompts;
        this.models = models;
        this.preparer = preparer;
        this.bedrock = bedrock;
        this.limits = limits;
        this.preparation = preparation;
    }

    /**
     * Checks the request and the image headers on the {@link PreparationPool}, decodes the images that need it in
     * the image decode queue, where {@code client} (an address or a key's name) takes its turns beside the others, so
     * that they do not hold up the small ones queued behind them, then asks the model without blocking.
     */
    public Uni<Analysis> analyse(AnalysisRequest request, String client) {
        return analyse(request, client, CacheDirectives.NONE);
    }

    /** As {@link #analyse(AnalysisRequest, String)}, with the result cache used as {@code directives} ask. */
    public Uni<Analysis> analyse(AnalysisRequest request, String client, CacheDirectives directives) {
        return prepareLater(request, client).chain(prepared -> answer(only(prepared), directives));
    }

    /** As {@link #analyse}, for a request that names several presets: one answer each, for images prepared once. */
    public Uni<PresetAnalyses> analyseAll(AnalysisRequest request, String client, CacheDirectives directives) {
        return prepareLater(request, client).chain(prepared -> answerAll(prepared, directives));
    }

    private Uni<List<PreparedAnalysis>> prepareLater(AnalysisRequest request, String client) {
        // Handed over, not captured: the pipeline stays reachable while the model answers, the uploads need not.
        Supplier<AnalysisRequest> received = handOver(request);
        return unlessCancelled(() -> check(received.get()))
                .runSubscriptionOn(preparation)
                .chain(checked -> {
                    Supplier<CheckedAnalysis> handed = handOver(checked);
                    return checked.needsDecoding()
                            ? Uni.createFrom().completionStage(() -> finishLater(handed.get(), client))
                            : unlessCancelled(() -> finish(handed.get(), client));
                });
    }

    /**
     * Checks the request and prepares its images, here and now: blocking, so never on the event loop. Everything a
     * client can get wrong fails here, before Bedrock is called or a stream opens.
     */
    public PreparedAnalysis prepare(AnalysisRequest request, String client) {
        return only(prepareAll(request, client));
    }

    /** As {@link #prepare}, one prepared analysis per preset the request names, all on the same prepared images. */
    public List<PreparedAnalysis> prepareAll(AnalysisRequest request, String client) {
        return finish(check(request), client);
    }

    private static PreparedAnalysis only(List<PreparedAnalysis> prepared) {
        if (prepared.size() != 1) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "Send one 'preset' here.");
        }
        return prepared.get(0);
    }

    /**
     * Whether the model a request names (or the default) reads images from S3 itself, so that an S3 image that needs
     * no preparation can be handed to it as a reference; false for a model that is not allowed, which
     * {@link #analyse} then refuses.
     */
    public boolean readsImagesFromS3(Optional<String> model) {
        try {
            return models.select(model).supportsS3Images();
        } catch (ProblemException e) {
            return false;
        }
    }

    /** Everything about the request but the decoding of its images: cheap, and where most refusals happen. */
    private CheckedAnalysis check(AnalysisRequest request) {
        long started = System.nanoTime();
        List<Instruction> instructions = prompts.resolveAll(request);
        ModelProfile model = models.select(request.model());
        checkImages(request.images(), model);
        List<Task> tasks = new ArrayList<>(instructions.size());
        for (int i = 0; i < instructions.size(); i++) {
            Instruction instruction = instructions.get(i);
            int maxTokens = request.maxTokens().or(instruction::maxTokens).orElse(AnalysisRequest.DEFAULT_MAX_TOKENS);
            float temperature = request.temperature().or(instruction::temperature)
                    .orElse(AnalysisRequest.DEFAULT_TEMPERATURE).floatValue();
            tasks.add(new Task(request.presetIds().isEmpty() ? null : request.presetIds().get(i), instruction,
                    maxTokens, temperature));
        }
        List<CheckedImage> images = request.images().stream().map(preparer::check).toList();
        return new CheckedAnalysis(List.copyOf(tasks), model, images, started);
    }

    private List<PreparedAnalysis> finish(CheckedAnalysis checked, String client) {
        return prepared(checked, checked.images().stream().map(image -> preparer.finish(image, client)).toList());
    }

    /**
     * The images finished one after another, as {@link #finish} does, each taking its own turn in the decode queue;
     * when one fails, the rest are not queued.
     */
    private CompletableFuture<List<PreparedAnalysis>> finishLater(CheckedAnalysis checked, String client) {
        CompletableFuture<List<PreparedImage>> images = CompletableFuture.completedFuture(new ArrayList<>());
        for (CheckedImage image : checked.images()) {
            images = images.thenCompose(done -> preparer.finishLater(image, client).thenApply(prepared -> {
                done.add(prepared);
                return done;
            }));
        }
        return images.thenApply(done -> prepared(checked, List.copyOf(done)));
    }

    /** One analysis per task, all on the same prepared images. */
    private List<PreparedAnalysis> prepared(CheckedAnalysis checked, List<PreparedImage> images) {
        boolean cacheImages = promptCache == AnalysisConfig.PromptCache.ALWAYS
                || promptCache == AnalysisConfig.PromptCache.SEVERAL_PRESETS && checked.tasks().size() > 1;
        return checked.tasks().stream().map(task -> {
            Instruction instruction = task.instruction();
            return new PreparedAnalysis(new ModelCall(checked.model(), images, instruction.system(),
                    instruction.prompt(), instruction.schema(), task.maxTokens(), task.temperature(), cacheImages),
                    task.presetId(), instruction.textTemplate().orElse(null), checked.startedNanos());
        }).toList();
    }

    /**
     * A Uni of {@code work} that skips it when its subscriber has gone (a client that hung up while the work was
     * queued); a failure after that is dropped quietly, as nobody waits for it (the uploads are deleted by then).
     */
    static <T> Uni<T> unlessCancelled(Supplier<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicBoolean ended = new AtomicBoolean();
            emitter.onTermination(() -> ended.set(true));
            if (ended.get()) {
                return;
            }
            T result;
            try {
                result = work.get();
            } catch (RuntimeException e) {
                emitter.fail(e);
                return;
            }
            emitter.complete(result);
        });
    }

    /** A supplier of {@code value} once, which forgets it when it hands it over. */
    private static <T> Supplier<T> handOver(T value) {
        AtomicReference<T> held = new AtomicReference<>(value);
        return () -> Objects.requireNonNull(held.getAndSet(null), "Handed over once");
    }

    /** A request that passed every check, its images' headers included; some images may still need decoding. */
    private record CheckedAnalysis(List<Task> tasks, ModelProfile model, List<CheckedImage> images, long startedNanos) {

        boolean needsDecoding() {
            return images.stream().anyMatch(CheckedImage::needsDecoding);
        }
    }

    /** What one preset (or the prompt) asks of the model. */
    private record Task(String presetId, Instruction instruction, int maxTokens, float temperature) {
    }

    /**
     * The model's answer to a prepared analysis as it is written. A structured answer has to be checked whole, so
     * it comes as a single {@code Done}, without deltas.
     */
    public Multi<AnalysisEvent> stream(PreparedAnalysis prepared) {
        return stream(prepared, CacheDirectives.NONE);
    }

    /**
     * As {@link #stream(PreparedAnalysis)}, with the result cache used as {@code directives} ask: a hit is its whole
     * text as one delta, then the analysis.
     */
    public Multi<AnalysisEvent> stream(PreparedAnalysis prepared, CacheDirectives directives) {
        if (prepared.structured()) {
            return answer(prepared, directives).map(AnalysisEvent.Done::new).onItem().castTo(AnalysisEvent.class)
                    .toMulti();
        }
        ResultCache.Lookup lookup = cache.lookup(prepared.call(), prepared.textTemplate(), directives);
        Function<ModelAnswer, Analysis> completion = prepared.completion();
        Supplier<PreparedAnalysis> handed = handOver(prepared);
        return lookup.cached().onItem().transformToMulti(hit -> hit.isPresent()
                ? Multi.createFrom().items(new AnalysisEvent.Delta(null, hit.get().text()),
                        new AnalysisEvent.Done(completion.apply(hit.get()).servedFromCache()))
                : bedrock.converseStream(handed.get().call()).map(event -> {
                    if (event instanceof ModelStreamEvent.Completed done) {
                        lookup.store(done.answer());
                        return new AnalysisEvent.Done(completion.apply(done.answer()));
                    }
                    return new AnalysisEvent.Delta(null, ((ModelStreamEvent.TextDelta) event).text());
                }));
    }

    /**
     * The answers to several presets as they are written: each text delta names its preset; structured answers
     * appear only in the one {@code AllDone} at the end. The first preset is answered before the others start, so
     * that they can read the images from Bedrock's prompt cache; a preset that fails fails alone, and only when all
     * fail does the stream fail, with the first preset's failure.
     */
    public Multi<AnalysisEvent> streamAll(List<PreparedAnalysis> prepared, CacheDirectives directives) {
        ConcurrentHashMap<String, PresetAnalyses.Outcome> outcomes = new ConcurrentHashMap<>();
        Multi<AnalysisEvent> first = presetStream(prepared.get(0), directives, outcomes);
        Multi<AnalysisEvent> rest = Multi.createBy().merging().streams(prepared.subList(1, prepared.size()).stream()
                .map(p -> presetStream(p, directives, outcomes)).toList());
        Multi<AnalysisEvent> done = Multi.createFrom().deferred(() -> Multi.createFrom()
                .item(new AnalysisEvent.AllDone(collected(prepared, prepared.stream()
                        .map(p -> outcomes.get(p.presetId())).toList()))));
        return Multi.createBy().concatenating().streams(first, rest, done);
    }

    /** One preset's deltas, named; its outcome, analysis or failure, goes to {@code outcomes}, not into the stream. */
    private Multi<AnalysisEvent> presetStream(PreparedAnalysis prepared, CacheDirectives directives,
            ConcurrentHashMap<String, PresetAnalyses.Outcome> outcomes) {
        String preset = prepared.presetId();
        return stream(prepared, directives)
                .onItem().transformToMultiAndConcatenate(event -> {
                    if (event instanceof AnalysisEvent.Done done) {
                        outcomes.put(preset, new PresetAnalyses.Outcome(preset, done.analysis(), null));
                        return Multi.createFrom().<AnalysisEvent>empty();
                    }
                    return Multi.createFrom().<AnalysisEvent>item(new AnalysisEvent.Delta(preset,
                            ((AnalysisEvent.Delta) event).text()));
                })
                .onFailure().recoverWithMulti(failure -> {
                    outcomes.put(preset, new PresetAnalyses.Outcome(preset, null, failure));
                    return Multi.createFrom().empty();
                });
    }

    /** Each preset's answer or failure; the first alone, then the others side by side (see {@link #streamAll}). */
    private Uni<PresetAnalyses> answerAll(List<PreparedAnalysis> prepared, CacheDirectives directives) {
        return outcome(prepared.get(0), directives).chain(first -> {
            List<Uni<PresetAnalyses.Outcome>> others = prepared.subList(1, prepared.size()).stream()
                    .map(p -> outcome(p, directives)).toList();
            return Uni.join().all(others).andFailFast().map(rest -> {
                List<PresetAnalyses.Outcome> all = new ArrayList<>(prepared.size());
                all.add(first);
                all.addAll(rest);
                return collected(prepared, all);
            });
        });
    }

    private Uni<PresetAnalyses.Outcome> outcome(PreparedAnalysis prepared, CacheDirectives directives) {
        return answer(prepared, directives)
                .map(analysis -> new PresetAnalyses.Outcome(prepared.presetId(), analysis, null))
                .onFailure().recoverWithItem(failure -> new PresetAnalyses.Outcome(prepared.presetId(), null, failure));
    }

    /** The outcomes as one result; when every preset failed, the first one's failure. */
    private static PresetAnalyses collected(List<PreparedAnalysis> prepared, List<PresetAnalyses.Outcome> outcomes) {
        if (outcomes.stream().allMatch(outcome -> outcome.failure() != null)) {
            Throwable first = outcomes.get(0).failure();
            throw first instanceof RuntimeException runtime ? runtime : new IllegalStateException(first);
        }
        PreparedAnalysis any = prepared.get(0);
        List<ImageSummary> images = any.call().images().stream().map(PreparedImage::summary).toList();
        return new PresetAnalyses(UUID.randomUUID().toString(), any.call().model(), outcomes, images,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - any.startedNanos()));
    }

    /**
     * The analysis from the result cache when it holds the answer, else from the model, its answer then stored. Only
     * the call's key is held while Bedrock answers; the images go with the call.
     */
    private Uni<Analysis> answer(PreparedAnalysis prepared, CacheDirectives directives) {
        ResultCache.Lookup lookup = cache.lookup(prepared.call(), prepared.textTemplate(), directives);
        Function<ModelAnswer, Analysis> completion = prepared.completion();
        Supplier<PreparedAnalysis> handed = handOver(prepared);
        return lookup.cached().chain(hit -> hit.isPresent()
                ? Uni.createFrom().item(completion.apply(hit.get()).servedFromCache())
                : modelAnswer(handed.get()).invoke(lookup::store).map(completion));
    }

    private Uni<ModelAnswer> modelAnswer(PreparedAnalysis prepared) {
        if (!prepared.structured()) {
            return bedrock.converse(prepared.call());
        }
        // A structured answer that does not follow the schema gets one more try, then is a model failure; the
        // images are kept for it.
        return structuredAnswer(prepared).onFailure(InvalidModelOutput.class).recoverWithUni(() -> structuredAnswer(prepared))
                .onFailure(InvalidModelOutput.class).transform(failure -> new ProblemException(
                        ProblemType.MODEL_OUTPUT_INVALID, "The model returned malformed output twice: "
                                + failure.getMessage()));
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

    private void checkImages(List<RequestImage> images, ModelProfile model) {
        if (images.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "Send at least one image: an 'image' file part, an 'imageUrl' or a 'sample' ID.");
        }
        if (images.size() > limits.maxCount()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "Send at most %d images; this request has %d.".formatted(limits.maxCount(), images.size()));
        }
        if (!model.supportsS3Images() && images.stream().anyMatch(ImageReference.class::isInstance)) {
            // Never from a request: references are made only for a model that reads S3 (readsImagesFromS3).
            throw new IllegalStateException("Model '%s' does not read images from S3".formatted(model.id()));
        }
        if (images.size() > model.maxImages()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "Model '%s' takes at most %d image(s) per request; "
                    .formatted(model.id(), model.maxImages()) + "this request has %d.".formatted(images.size()));
        }
    }
}
