package dev.visionapi.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Dev mode's local Bedrock (the emulator with synthetic answers) is not a bean outside the dev profile. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class LocalBedrockTest {

    @Inject
    Instance<LocalBedrock> localBedrock;

    @Test
    void theTestProfileHasNoLocalBedrock() {
        assertThat(localBedrock.isResolvable()).isFalse();
    }
}
