package dev.visionapi.api;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.visionapi.analysis.Analysis;
import dev.visionapi.analysis.PresetAnalyses;
import dev.visionapi.bedrock.ModelAnswer.TokenUsage;
import dev.visionapi.image.ImageSummary;
import dev.visionapi.problem.ProblemException;

/**
 * The answer to {@code POST /v1/analyses}. For several presets, {@code preset}, {@code text}, {@code data} and
 * {@code stopReason} are null, {@code results} holds each preset's answer and {@code usage} their sum.
 */
@Schema(name = "Analysis")
public record AnalysisResponse(
        @Schema(description = "Identifier of this analysis") String id,
        @Schema(description = "Model or inference profile that answered") String model,
        @Schema(description = "Preset used, or null for a custom prompt or several presets", nullable = true)
        String preset,
        @Schema(description = "The model's answer; for structured presets, 'data' rendered as text; null for several "
                + "presets", nullable = true) String text,
        @Schema(description = "For structured presets: the answer as JSON, valid against the preset's schema",
                type = SchemaType.OBJECT, nullable = true) JsonNode data,
        @Schema(description = "Why the model stopped, as Bedrock reported it; null for several presets",
                examples = "end_turn", nullable = true) String stopReason,
        @Schema(description = "Token usage exactly as Bedrock reported it; for several presets, the sum of theirs")
        Usage usage,
        @Schema(description = "Time the service took for this analysis, in milliseconds") long latencyMs,
        @Schema(description = "The images as sent to the model, in request order") List<ImageInfo> images,
        @Schema(description = "Only when the request named several presets: each one's answer, or its problem, by "
                + "preset ID in the order asked")
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, PresetResult> results,
        @Schema(description = "Whether the answer came from the result cache: the same images, instruction, model "
                + "and limits were answered before; 'usage' is then zero and 'cachedUsage' holds the original call's. "
                + "For several presets: whether all of them came from it")
        Boolean cached,
        @Schema(description = "For a cached answer: the usage of the call that produced it (several presets: the sum "
                + "over those cached); absent otherwise", nullable = true)
        @JsonInclude(JsonInclude.Include.NON_NULL) Usage cachedUsage) {

    static AnalysisResponse from(Analysis analysis) {
        return new AnalysisResponse(analysis.id(), analysis.model().id(), analysis.presetId(),
                analysis.answer().text(), analysis.answer().data(), analysis.answer().stopReason(),
                usage(analysis, analysis.answer().usage()), analysis.latencyMs(),
                analysis.images().stream().map(ImageInfo::from).toList(), null, analysis.cached(),
                cachedUsage(analysis));
    }

    /** The answers to several presets; {@code instance} is the request path, for the problems of those that failed. */
    static AnalysisResponse from(PresetAnalyses analyses, String instance) {
        Map<String, PresetResult> results = new LinkedHashMap<>();
        for (PresetAnalyses.Outcome outcome : analyses.outcomes()) {
            results.put(outcome.presetId(), PresetResult.of(outcome, instance));
        }
        List<Usage> usages = results.values().stream().map(PresetResult::usage).filter(Objects::nonNull).toList();
        List<Usage> cached = results.values().stream().map(PresetResult::cachedUsage).filter(Objects::nonNull)
                .toList();
        boolean allCached = results.values().stream().allMatch(result -> Boolean.TRUE.equals(result.cached()));
        return new AnalysisResponse(analyses.id(), analyses.model().id(), null, null, null, null, Usage.sum(usages),
                analyses.latencyMs(), analyses.images().stream().map(ImageInfo::from).toList(), results, allCached,
                cached.isEmpty() ? null : Usage.sum(cached));
    }

    private static Usage usage(Analysis analysis, TokenUsage usage) {
        return Usage.of(usage, analysis.model().estimatedCostUsd(usage));
    }

    private static Usage cachedUsage(Analysis analysis) {
        return analysis.cached() ? usage(analysis, analysis.cachedUsage()) : null;
    }

    /** One preset's answer among several, or the problem that preset alone ran into. */
    @Schema(name = "PresetResult")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PresetResult(
            @Schema(description = "The model's answer; for structured presets, 'data' rendered as text") String text,
            @Schema(description = "For structured presets: the answer as JSON", type = SchemaType.OBJECT) JsonNode data,
            @Schema(description = "Why the model stopped", examples = "end_turn") String stopReason,
            @Schema(description = "Token usage of this preset's call") Usage usage,
            @Schema(description = "Whether this answer came from the result cache") Boolean cached,
            @Schema(description = "For a cached answer: the usage of the call that produced it") Usage cachedUsage,
            @Schema(description = "Why this preset got no answer; the others are unaffected") Problem problem) {

        static PresetResult of(PresetAnalyses.Outcome outcome, String instance) {
            if (outcome.failure() != null) {
                ProblemException problem = ProblemMappers.asProblem(outcome.failure());
                return new PresetResult(null, null, null, null, null, null, Problem.of(problem.type(),
                        problem.getMessage(), instance));
            }
            Analysis analysis = outcome.analysis();
            return new PresetResult(analysis.answer().text(), analysis.answer().data(),
                    analysis.answer().stopReason(), AnalysisResponse.usage(analysis, analysis.answer().usage()),
                    analysis.cached(), AnalysisResponse.cachedUsage(analysis), null);
        }
    }

    /** Bedrock's token counts, and what they cost at the model's list price. */
    @Schema(name = "Usage")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Usage(
            @Schema(description = "Input tokens Bedrock processed, not counting those read from or written to the "
                    + "prompt cache") Integer inputTokens,
            Integer outputTokens,
            @Schema(description = "All tokens of the call, cached ones included, as Bedrock counts them") Integer totalTokens,
            @Schema(description = "Estimated cost in USD at the model's list price (cache reads and writes at their own "
                    + "prices); absent when it has no price", nullable = true, examples = "0.004896")
            BigDecimal estimatedCostUsd,
            @Schema(description = "Input tokens read from Bedrock's prompt cache (the images, sent before a cache point "
                    + "by an earlier call); absent when Bedrock did not report it", nullable = true)
            Integer cacheReadInputTokens,
            @Schema(description = "Input tokens written to Bedrock's prompt cache by this call; absent when Bedrock did "
                    + "not report it", nullable = true)
            Integer cacheWriteInputTokens) {

        /** Bedrock's counts as they came, with their estimated cost. */
        public static Usage of(TokenUsage usage, BigDecimal estimatedCostUsd) {
            return new Usage(usage.inputTokens(), usage.outputTokens(), usage.totalTokens(), estimatedCostUsd,
                    usage.cacheReadInputTokens(), usage.cacheWriteInputTokens());
        }

        /** The sum of the counts and costs; a count or cost none of them reported stays absent. */
        static Usage sum(List<Usage> usages) {
            return new Usage(total(usages, Usage::inputTokens), total(usages, Usage::outputTokens),
                    total(usages, Usage::totalTokens), usages.stream().map(Usage::estimatedCostUsd)
                            .filter(Objects::nonNull).reduce(BigDecimal::add).orElse(null),
                    total(usages, Usage::cacheReadInputTokens), total(usages, Usage::cacheWriteInputTokens));
        }

        private static Integer total(List<Usage> usages, Function<Usage, Integer> count) {
            return usages.stream().map(count).filter(Objects::nonNull).reduce(Integer::sum).orElse(null);
        }
    }

    /** One image as it was sent to the model. */
    @Schema(name = "ImageInfo")
    public record ImageInfo(
            @Schema(description = "Media type sent to Bedrock, detected from the bytes", examples = "image/png") String mediaType,
            @Schema(description = "Width in pixels, as sent") int width,
            @Schema(description = "Height in pixels, as sent") int height,
            @Schema(description = "Width of the upload in pixels, upright") int originalWidth,
            @Schema(description = "Height of the upload in pixels, upright") int originalHeight,
            @Schema(description = "Size in bytes, as sent") int sizeBytes,
            @Schema(description = "Size of the upload in bytes") long originalSizeBytes,
            @Schema(description = "Whether the service changed the pixels (scaled, turned upright or re-encoded); "
                    + "metadata is stripped either way") boolean resized,
            @Schema(description = "Input tokens the image is likely to cost: width × height / 750") long estimatedTokens) {

        static ImageInfo from(ImageSummary image) {
            return new ImageInfo(image.format().mediaType(), image.width(), image.height(), image.originalWidth(),
                    image.originalHeight(), image.sizeBytes(), image.originalSizeBytes(), image.resized(),
                    image.estimatedTokens());
        }
    }
}
