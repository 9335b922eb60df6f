package dev.visionapi.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.visionapi.config.SourcesConfig;

class SourceDeadlinesTest {

    private static final Duration BEDROCK = Duration.ofSeconds(60);

    @Test
    void theDefaultsAreTheDocumentedOnesAndFitInsideTheDefaultBedrockTimeout() {
        SourcesConfig defaults = new TestConfig(Map.of()).sources();

        assertThat(defaults.url().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.url().timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(defaults.s3().timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThatCode(() -> SourceDeadlines.check(defaults, BEDROCK)).doesNotThrowAnyException();
    }

    @Test
    void aUrlFetchAsLongAsTheModelCallStopsTheStart() {
        assertThatThrownBy(() -> SourceDeadlines.check(new TestConfig(Map.of("sources.url.timeout", "60s")).sources(), BEDROCK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("sources.url.timeout (60000 ms) must be shorter than bedrock.timeout (60000 ms)");
    }

    @Test
    void anS3ReadLongerThanTheModelCallStopsTheStart() {
        assertThatThrownBy(() -> SourceDeadlines.check(new TestConfig(Map.of("sources.s3.timeout", "90s")).sources(), BEDROCK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sources.s3.timeout (90000 ms) must be shorter than bedrock.timeout");
    }

    @Test
    void aConnectTimeoutAsLongAsTheWholeFetchStopsTheStart() {
        assertThatThrownBy(() -> SourceDeadlines.check(new TestConfig(Map.of("sources.url.connect-timeout", "20s")).sources(),
                BEDROCK))
                .hasMessage("sources.url.connect-timeout (20000 ms) must be shorter than sources.url.timeout (20000 ms)");
    }
}
