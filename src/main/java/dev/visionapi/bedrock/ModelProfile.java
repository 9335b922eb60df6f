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
 */
public record ModelProfile(String id, String name, String provider, boolean supportsStructuredOutput, int maxImages,
        BigDecimal inputPricePerMillionUsd, BigDecimal outputPricePerMillionUsd,
        boolean supportsBatch, BigDecimal batchInputPricePerMillionUsd, BigDecimal batchOutputPricePerMillionUsd,
        boolean supportsS3Images) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final int COST_SCALE = 6;
    private static final int UNKNOWN_MODEL_MAX_IMAGES = 20;

    /** A model named in configuration that the catalogue does not describe. */
    static ModelProfile unknown(String id) {
        String provider = id.replaceFirst("^(us|eu|apac|global)\\.", "").replaceFirst("\\..*$", "");
        return new ModelProfile(id, id, provider, true, UNKNOWN_MODEL_MAX_IMAGES, null, null, false, null, null, false);
    }

    /** The estimated cost of these token counts in USD, or null when the price or a count is unknown. */
    public BigDecimal estimatedCostUsd(Integer inputTokens, Integer outputTokens) {
        return cost(inputPricePerMillionUsd, outputPricePerMillionUsd, inputTokens, outputTokens);
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
