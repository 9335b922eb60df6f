package dev.visionapi.bedrock;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What the service knows of a model: how to name it, what it can do, and its list price (null when unknown).
 *
 * @param supportsStructuredOutput whether it takes a forced tool call; the others get a JSON-only prompt instead
 * @param supportsBatch whether Bedrock's batch inference (model invocation jobs) runs it
 * @param batchInputPricePerMillionUsd the batch price (AWS's is half the on-demand one); null when unknown
 * @param supportsS3Images whether Bedrock lets it read images from S3 itself (an {@code s3Location} image source);
 *        false when the catalogue entry does not say
 * @param supportsPromptCache whether Bedrock's prompt caching ({@code cachePoint} blocks) works with it
 * @param minCacheTokens the fewest tokens a prefix needs before a cache point for Bedrock to cache it; 0 when unknown
 * @param cacheReadPricePerMillionUsd the price of input tokens read from the prompt cache; null when unknown
 * @param cacheWritePricePerMillionUsd the price of input tokens written to the prompt cache; null when unknown
 * @param supportsOutputSchema whether it takes Converse's native structured output ({@code outputConfig} with a JSON
 *        schema); preferred over a forced tool call when it does
 */
public record ModelProfile(String id, String name, String provider, boolean supportsStructuredOutput, int maxImages,
        BigDecimal inputPricePerMillionUsd, BigDecimal outputPricePerMillionUsd,
        boolean supportsBatch, BigDecimal batchInputPricePerMillionUsd, BigDecimal batchOutputPricePerMillionUsd,
        boolean supportsS3Images,
        boolean supportsPromptCache, int minCacheTokens, BigDecimal cacheReadPricePerMillionUsd,
        BigDecimal cacheWritePricePerMillionUsd, boolean supportsOutputSchema) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final int COST_SCALE = 6;
    private static final int UNKNOWN_MODEL_MAX_IMAGES = 20;

    /** A model without prompt caching or native structured output, as catalogue entries were before they had them. */
    public ModelProfile(String id, String name, String provider, boolean supportsStructuredOutput, int maxImages,
            BigDecimal inputPricePerMillionUsd, BigDecimal outputPricePerMillionUsd,
            boolean supportsBatch, BigDecimal batchInputPricePerMillionUsd, BigDecimal batchOutputPricePerMillionUsd,
            boolean supportsS3Images) {
        this(id, name, provider, supportsStructuredOutput, maxImages, inputPricePerMillionUsd, outputPricePerMillionUsd,
                supportsBatch, batchInputPricePerMillionUsd, batchOutputPricePerMillionUsd, supportsS3Images,
                false, 0, null, null, false);
    }

    /** A model named in configuration that the catalogue does not describe. */
    static ModelProfile unknown(String id) {
        String provider = id.replaceFirst("^(us|eu|apac|global)\\.", "").replaceFirst("\\..*$", "");
        return new ModelProfile(id, id, provider, true, UNKNOWN_MODEL_MAX_IMAGES, null, null, false, null, null, false);
    }

    /** Whether a prefix of this many (estimated) tokens is worth a cache point: the model caches it, and it is long enough. */
    public boolean cachesPrefixOf(long tokens) {
        return supportsPromptCache && minCacheTokens > 0 && tokens >= minCacheTokens;
    }

    /** The estimated cost of these token counts in USD, or null when the price or a count is unknown. */
    public BigDecimal estimatedCostUsd(Integer inputTokens, Integer outputTokens) {
        return cost(inputPricePerMillionUsd, outputPricePerMillionUsd, inputTokens, outputTokens);
    }

    /**
     * The estimated cost of a Converse call's usage in USD: input and output tokens at the list prices, tokens read
     * from and written to the prompt cache at the cache prices (Bedrock counts them apart from {@code inputTokens}).
     * Null when a price or a count is unknown, also when cache tokens were used and their price is unknown.
     */
    public BigDecimal estimatedCostUsd(ModelAnswer.TokenUsage usage) {
        if (inputPricePerMillionUsd == null || outputPricePerMillionUsd == null || usage.inputTokens() == null
                || usage.outputTokens() == null) {
            return null;
        }
        BigDecimal read = priced(cacheReadPricePerMillionUsd, usage.cacheReadInputTokens());
        BigDecimal write = priced(cacheWritePricePerMillionUsd, usage.cacheWriteInputTokens());
        if (read == null || write == null) {
            return null;
        }
        return inputPricePerMillionUsd.multiply(BigDecimal.valueOf(usage.inputTokens()))
                .add(outputPricePerMillionUsd.multiply(BigDecimal.valueOf(usage.outputTokens())))
                .add(read).add(write)
                .divide(MILLION, COST_SCALE, RoundingMode.HALF_UP);
    }

    /** Cached tokens times their price per million: zero when there are none, null when their price is unknown. */
    private static BigDecimal priced(BigDecimal pricePerMillion, Integer tokens) {
        if (tokens == null || tokens == 0) {
            return BigDecimal.ZERO;
        }
        return pricePerMillion == null ? null : pricePerMillion.multiply(BigDecimal.valueOf(tokens));
    }

    /** As {@link #estimatedCostUsd}, at batch inference prices: null when the model has none or a count is unknown. */
    public BigDecimal estimatedBatchCostUsd(Integer inputTokens, Integer outputTokens) {
        return cost(batchInputPricePerMillionUsd, batchOutputPricePerMillionUsd, inputTokens, outputTokens);
    }

    private static BigDecimal cost(BigDecimal inputPrice, BigDecimal outputPrice, Integer inputTokens,
            Integer outputTokens) {
        if (inputPrice == null || outputPrice == null || inputTokens == null || outputTokens == null) {
            return null;
        }
        return inputPrice.multiply(BigDecimal.valueOf(inputTokens))
                .add(outputPrice.multiply(BigDecimal.valueOf(outputTokens)))
                .divide(MILLION, COST_SCALE, RoundingMode.HALF_UP);
    }
}
