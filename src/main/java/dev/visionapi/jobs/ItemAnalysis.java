package dev.visionapi.jobs;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.analysis.Analysis;
import dev.visionapi.analysis.AnalysisRequest;
import dev.visionapi.analysis.AnalysisService;
import dev.visionapi.bedrock.ModelAnswer;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.image.SampleCatalog;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.sources.S3ImageReader;
import dev.visionapi.sources.UrlImageFetcher;
import io.smallrye.mutiny.Uni;

/**
 * One item through the pipeline of {@code /v1/analyses}: its image fetched from where it lives, then the analysis
 * (preparation, Converse call, retries, circuit breaker, structured-output check). The outcome says what becomes of
 * the item: a result, or another try later.
 */
@ApplicationScoped
class ItemAnalysis {

    static final String SAMPLE_PREFIX = "sample:";
    /** Claims of one item after which it fails: its replica stopped that often while analysing it. */
    static final int MAX_ATTEMPTS = 5;

    private static final Logger LOG = Logger.getLogger(ItemAnalysis.class);
    // Refusals that say "not now" for every item: the item goes back, the model's work pauses.
    private static final Set<ProblemType> TRY_LATER = Set.of(ProblemType.BEDROCK_THROTTLED,
            ProblemType.BEDROCK_UNAVAILABLE, ProblemType.OVERLOADED);
    private static final Duration DEFAULT_PAUSE = Duration.ofSeconds(5);

    private final AnalysisService analyses;
    private final UrlImageFetcher urls;
    private final S3ImageReader s3;
    private final SampleCatalog samples;

    ItemAnalysis(AnalysisService analyses, UrlImageFetcher urls, S3ImageReader s3, SampleCatalog samples) {
        this.analyses = analyses;
        this.urls = urls;
        this.s3 = s3;
        this.samples = samples;
    }

    /** What became of an item. */
    sealed interface Outcome {
    }

    /** The item is finished, succeeded or failed. */
    record Finished(JobResult result) implements Outcome {
    }

    /**
     * The item goes back to be taken again; for {@code pause} its model's work is held back. An attempt that is
     * {@code counted} brings the item closer to {@link #MAX_ATTEMPTS}; throttling is not counted.
     */
    record TryLater(Duration pause, boolean counted) implements Outcome {
    }

    /** Runs the item within {@code deadline}; never fails. */
    Uni<Outcome> run(ClaimedItem item, Duration deadline) {
        if (item.attempts() > MAX_ATTEMPTS) {
            return Uni.createFrom().item(failed(item, new ProblemException(ProblemType.INTERNAL_ERROR,
                    "The item was taken up " + MAX_ATTEMPTS + " times and never finished.")));
        }
        JobSpec spec = item.spec();
        return image(item.source())
                .chain(image -> analyses.analyse(new AnalysisRequest(List.of(image), spec.presetId(),
                        spec.promptText(), Optional.of(item.model()), Optional.empty(), Optional.empty(),
                        spec.parameters()), "job " + item.jobId()))
                .<Outcome>map(analysis -> new Finished(succeeded(item, analysis)))
                .ifNoItem().after(deadline).recoverWithItem(() -> new TryLater(Duration.ZERO, true))
                .onFailure().recoverWithItem(failure -> outcome(item, failure));
    }

    /** The image an item's source names, read from where it lives. */
    Uni<ImageUpload> image(String source) {
        if (source.startsWith("s3://")) {
            return s3.read(source);
        }
        if (source.startsWith(SAMPLE_PREFIX)) {
            String id = source.substring(SAMPLE_PREFIX.length());
            return Uni.createFrom().item(() -> samples.find(id).orElseThrow(() -> new ProblemException(
                    ProblemType.INVALID_REQUEST, "Unknown sample '%s'.".formatted(id))));
        }
        try {
            return urls.fetch(new URI(source));
        } catch (URISyntaxException e) {
            return Uni.createFrom().failure(new ProblemException(ProblemType.INVALID_REQUEST,
                    "'" + source + "' is not a URL."));
        }
    }

    private Outcome outcome(ClaimedItem item, Throwable failure) {
        if (failure instanceof ProblemException problem && TRY_LATER.contains(problem.type())) {
            return new TryLater(problem.retryAfter().filter(wait -> !wait.isZero()).orElse(DEFAULT_PAUSE), false);
        }
        if (!(failure instanceof ProblemException)) {
            LOG.errorf(failure, "Item %d of job %s failed unexpectedly", item.index(), item.jobId());
            return failed(item, new ProblemException(ProblemType.INTERNAL_ERROR, "The item failed unexpectedly."));
        }
        return failed(item, (ProblemException) failure);
    }

    private static JobResult succeeded(ClaimedItem item, Analysis analysis) {
        JobResult result = JobResult.succeeded(item.index(), item.source(), analysis.answer(),
                analysis.model().estimatedCostUsd(analysis.answer().usage()));
        ModelAnswer.TokenUsage cached = analysis.cachedUsage();
        return cached == null ? result : result.servedFromCache(cached, analysis.model().estimatedCostUsd(cached));
    }

    private static Finished failed(ClaimedItem item, ProblemException problem) {
        return new Finished(JobResult.failed(item.index(), item.source(), problem.type(), problem.getMessage()));
    }
}
