package dev.visionapi.ops;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.analysis.Analysis;
import dev.visionapi.analysis.AnalysisRequest;
import dev.visionapi.analysis.PresetCatalog;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.bedrock.ModelAnswer.TokenUsage;
import dev.visionapi.bedrock.ModelCatalog;
import dev.visionapi.image.ImageSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records every analysis: Prometheus metrics (requests by preset, model and outcome, latency, tokens, estimated
 * cost, image bytes, in-flight) and one log line. Prompts, images and credentials are never logged; tags only take
 * values from the configured presets and models, so clients cannot inflate their number.
 */
@ApplicationScoped
public class AnalysisTelemetry {

    private static final Logger LOG = Logger.getLogger("dev.visionapi.analysis");
    private static final String OK = "ok";
    private static final String OTHER = "other";

    private final MeterRegistry registry;
    private final PresetCatalog presets;
    private final ModelCatalog models;

    AnalysisTelemetry(MeterRegistry registry, PresetCatalog presets, ModelCatalog models, InFlightLimiter limiter) {
        this.registry = registry;
        this.presets = presets;
        this.models = models;
        Gauge.builder("analysis.in.flight", limiter, InFlightLimiter::inFlight)
                .description("Analyses under way").register(registry);
    }

    /** One answered analysis (one preset's answer, when a request asked for several); its images are counted apart. */
    public void succeeded(String requestId, String apiKey, Analysis analysis, long startedNanos) {
        String preset = presetTag(analysis.presetId() == null ? List.of() : List.of(analysis.presetId()));
        String model = analysis.model().id();
        long nanos = System.nanoTime() - startedNanos;
        count(preset, model, OK, nanos);
        TokenUsage usage = analysis.answer().usage();
        tokens(preset, model, "input", usage.inputTokens());
        tokens(preset, model, "output", usage.outputTokens());
        tokens(preset, model, "cache-read", usage.cacheReadInputTokens());
        tokens(preset, model, "cache-write", usage.cacheWriteInputTokens());
        BigDecimal cost = analysis.model().estimatedCostUsd(usage);
        if (cost != null) {
            Counter.builder("analysis.cost.estimated").baseUnit("usd").description("Estimated cost at list prices")
                    .tags("preset", preset, "model", model).register(registry).increment(cost.doubleValue());
        }
        LOG.infof("analysis requestId=%s%s preset=%s model=%s images=%d inputTokens=%s outputTokens=%s latencyMs=%d "
                + "outcome=ok", requestId, key(apiKey), preset, model, analysis.images().size(), usage.inputTokens(),
                usage.outputTokens(), TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    /** The images of a request as they were sent, once however many presets answered them. */
    public void imagesSent(List<ImageSummary> images) {
        for (ImageSummary image : images) {
            bytes("in", image.originalSizeBytes());
            bytes("out", image.sizeBytes());
            if (image.resized()) {
                Counter.builder("images.resized").description("Images scaled or re-encoded").register(registry)
                        .increment();
            }
        }
    }

    public void failed(String requestId, String apiKey, AnalysisRequest.Summary request, Throwable failure, long startedNanos) {
        String preset = presetTag(request.presetIds());
        String model = request.model().filter(models::isAllowed)
                .orElse(request.model().isPresent() ? OTHER : models.defaultModel().id());
        String outcome = failure instanceof ProblemException problem ? problem.type().name().toLowerCase() : "error";
        long nanos = System.nanoTime() - startedNanos;
        count(preset, model, outcome, nanos);
        if (outcome.startsWith("bedrock") || outcome.startsWith("model")) {
            Counter.builder("bedrock.errors").description("Bedrock failures by kind").tags("type", outcome)
                    .register(registry).increment();
        }
        LOG.infof("analysis requestId=%s%s preset=%s model=%s images=%d latencyMs=%d outcome=%s", requestId,
                key(apiKey), preset, model, request.imageCount(), TimeUnit.NANOSECONDS.toMillis(nanos), outcome);
    }

    /** The key's name for the log line (never the key); the line is written on an SDK thread, without the MDC. */
    private static String key(String apiKey) {
        return apiKey == null ? "" : " apiKey=" + apiKey;
    }

    private void count(String preset, String model, String outcome, long nanos) {
        Counter.builder("analysis.requests").description("Analyses by preset, model and outcome")
                .tags("preset", preset, "model", model, "outcome", outcome).register(registry).increment();
        Timer.builder("analysis.duration").description("End-to-end analysis latency").publishPercentileHistogram()
                .tags("preset", preset, "model", model, "outcome", outcome).register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private void tokens(String preset, String model, String direction, Integer count) {
        if (count != null) {
            Counter.builder("analysis.tokens").description("Tokens Bedrock reported")
                    .tags("preset", preset, "model", model, "direction", direction).register(registry).increment(count);
        }
    }

    private void bytes(String direction, long count) {
        Counter.builder("images.bytes").baseUnit("bytes").description("Image bytes received (in) and sent (out)")
                .tags("direction", direction).register(registry).increment(count);
    }

    /** A preset's ID as a tag (unknown ones as one value), {@code custom} for a prompt, {@code several} for more. */
    private String presetTag(List<String> presetIds) {
        if (presetIds.isEmpty()) {
            return "custom";
        }
        return presetIds.size() > 1 ? "several" : presets.find(presetIds.get(0)).isPresent() ? presetIds.get(0) : OTHER;
    }
}
