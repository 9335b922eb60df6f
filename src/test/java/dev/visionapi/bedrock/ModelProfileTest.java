package dev.visionapi.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class ModelProfileTest {

    private final ModelProfile sonnet = new ModelProfile("us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "Claude Sonnet 4.5", "Anthropic", true, 20, new BigDecimal("3.00"), new BigDecimal("15.00"), true,
            new BigDecimal("1.50"), new BigDecimal("7.50"), false);

    @Test
    void costIsTokensTimesPricePerMillion() {
        assertThat(sonnet.estimatedCostUsd(1_523, 87)).isEqualByComparingTo("0.005874");
        assertThat(sonnet.estimatedCostUsd(1_000_000, 0)).isEqualByComparingTo("3");
        assertThat(sonnet.estimatedCostUsd(0, 0)).isEqualByComparingTo("0");
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
}
