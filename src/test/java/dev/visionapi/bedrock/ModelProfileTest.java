package dev.visionapi.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class ModelProfileTest {

    private final ModelProfile sonnet = new ModelProfile("us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "Claude Sonnet 4.5", "Anthropic", true, 20, new BigDecimal("3.00"), new BigDecimal("15.00"), true,
            new BigDecimal("1.50"), new BigDecimal("7.50"), false, true, 1024, new BigDecimal("0.30"),
            new BigDecimal("3.75"), true);

    @Test
    void costIsTokensTimesPricePerMillion() {
        assertThat(sonnet.estimatedCostUsd(1_523, 87)).isEqualByComparingTo("0.005874");
        assertThat(sonnet.estimatedCostUsd(1_000_000, 0)).isEqualByComparingTo("3");
        assertThat(sonnet.estimatedCostUsd(0, 0)).isEqualByComparingTo("0");
    }

    @Test
    void cachedTokensArePricedAtTheCachePricesBesideTheInputTokens() {
        // 100 × $3 + 50 × $15 + 1,440 × $3.75 (written), per million
        assertThat(sonnet.estimatedCostUsd(new ModelAnswer.TokenUsage(100, 50, 1_590, 0, 1_440)))
                .isEqualByComparingTo("0.00645");
        // 100 × $3 + 50 × $15 + 1,440 × $0.30 (read), per million
        assertThat(sonnet.estimatedCostUsd(new ModelAnswer.TokenUsage(100, 50, 1_590, 1_440, 0)))
                .isEqualByComparingTo("0.001482");
        assertThat(sonnet.estimatedCostUsd(new ModelAnswer.TokenUsage(1_523, 87, 1_610, null, null)))
                .isEqualByComparingTo(sonnet.estimatedCostUsd(1_523, 87));
    }

    @Test
    void cachedTokensWithoutACachePriceMakeTheCostUnknown() {
        ModelProfile uncached = new ModelProfile("example.vision-v1:0", "Vision", "example", true, 20,
                new BigDecimal("3.00"), new BigDecimal("15.00"), false, null, null, false);

        assertThat(uncached.estimatedCostUsd(new ModelAnswer.TokenUsage(100, 50, 1_590, 1_440, 0))).isNull();
        assertThat(uncached.estimatedCostUsd(new ModelAnswer.TokenUsage(100, 50, 150, 0, 0)))
                .isEqualByComparingTo("0.00105");
    }

    @Test
    void aCachePointNeedsPromptCachingAndTheModelsMinimumTokens() {
        assertThat(sonnet.cachesPrefixOf(1_024)).isTrue();
        assertThat(sonnet.cachesPrefixOf(1_023)).isFalse();
        assertThat(ModelProfile.unknown("example.vision-v1:0").cachesPrefixOf(100_000)).isFalse();
    }

    @Test
    void batchCostIsAtBatchPrices() {
        assertThat(sonnet.estimatedBatchCostUsd(1_523, 87)).isEqualByComparingTo("0.002937");
        assertThat(ModelProfile.unknown("example.vision-v1:0").estimatedBatchCostUsd(100, 100)).isNull();
        assertThat(ModelProfile.unknown("example.vision-v1:0").supportsBatch()).isFalse();
    }

    @Test
    void costIsUnknownWithoutAPriceOrACount() {
        assertThat(ModelProfile.unknown("example.vision-v1:0").estimatedCostUsd(100, 100)).isNull();
        assertThat(sonnet.estimatedCostUsd(null, 100)).isNull();
    }

    @Test
    void anUnknownModelGetsItsProviderFromItsId() {
        assertThat(ModelProfile.unknown("eu.mistral.pixtral-next-v1:0").provider()).isEqualTo("mistral");
        assertThat(ModelProfile.unknown("eu.mistral.pixtral-next-v1:0").maxImages()).isEqualTo(20);
    }

    @Test
    void theCatalogueSaysWhichModelsReadImagesFromS3() throws Exception {
        ModelCatalog.CatalogueFile catalogue;
        try (InputStream in = ModelProfileTest.class.getResourceAsStream("/models.json")) {
            catalogue = new ObjectMapper().readValue(in, ModelCatalog.CatalogueFile.class);
        }

        assertThat(catalogue.models()).filteredOn(ModelProfile::supportsS3Images).extracting(ModelProfile::id)
                .containsExactlyInAnyOrder("us.amazon.nova-pro-v1:0", "us.amazon.nova-lite-v1:0");
        assertThat(ModelProfile.unknown("us.amazon.nova-next-v1:0").supportsS3Images()).isFalse();
    }

    @Test
    void theCatalogueSaysWhichModelsCachePromptsAndTakeAnOutputSchema() throws Exception {
        ModelCatalog.CatalogueFile catalogue;
        try (InputStream in = ModelProfileTest.class.getResourceAsStream("/models.json")) {
            catalogue = new ObjectMapper().readValue(in, ModelCatalog.CatalogueFile.class);
        }

        assertThat(catalogue.models()).filteredOn(ModelProfile::supportsOutputSchema).extracting(ModelProfile::id)
                .containsExactlyInAnyOrder("us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                        "us.anthropic.claude-haiku-4-5-20251001-v1:0");
        assertThat(catalogue.models()).filteredOn(ModelProfile::supportsPromptCache).allSatisfy(model -> {
            assertThat(model.minCacheTokens()).as(model.id()).isPositive();
            assertThat(model.cacheReadPricePerMillionUsd()).as(model.id()).isLessThan(model.inputPricePerMillionUsd());
            assertThat(model.cacheWritePricePerMillionUsd()).as(model.id())
                    .isGreaterThanOrEqualTo(model.inputPricePerMillionUsd());
        });
        assertThat(catalogue.models()).filteredOn(model -> !model.supportsPromptCache()).allSatisfy(model -> {
            assertThat(model.minCacheTokens()).as(model.id()).isZero();
            assertThat(model.cacheReadPricePerMillionUsd()).as(model.id()).isNull();
        });
        assertThat(catalogue.models()).filteredOn(ModelProfile::supportsPromptCache).extracting(ModelProfile::id)
                .contains("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.amazon.nova-pro-v1:0")
                .doesNotContain("us.meta.llama3-2-11b-instruct-v1:0");
    }
}
