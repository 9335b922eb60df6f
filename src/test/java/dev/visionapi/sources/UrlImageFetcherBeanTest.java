package dev.visionapi.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.config.SourcesConfig;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The fetcher as the application builds it: its configuration's defaults, and the SSRF rules in force with them. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class UrlImageFetcherBeanTest {

    @Inject
    UrlImageFetcher fetcher;

    @Inject
    SourcesConfig sources;

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        SourcesConfig.Url url = sources.url();

        assertThat(url.allowHttp()).isFalse();
        assertThat(url.allowedPorts()).isEmpty();
        assertThat(url.allowedNetworks()).isEmpty();
        // The deadlines are the test profile's (inside its 5 s bedrock.timeout); SourceDeadlinesTest checks the defaults.
        assertThat(url.maxConcurrent()).isEqualTo(32);
        assertThat(url.trustCertificates()).isEmpty();
        assertThat(fetcher.userAgent()).matches("image-understanding-api/\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void theApplicationsFetcherRefusesInternalAddresses() {
        for (String url : new String[]{"https://localhost/a.png", "https://169.254.169.254/latest/meta-data/",
            "https://[::ffff:127.0.0.1]/a.png", "http://example.org/a.png"}) {
            ProblemException problem = catchThrowableOfType(
                    () -> fetcher.fetch(URI.create(url)).await().atMost(Duration.ofSeconds(10)), ProblemException.class);
            assertThat(problem).as(url).isNotNull();
            assertThat(problem.type()).as(url).isEqualTo(ProblemType.SOURCE_FORBIDDEN);
        }
    }
}
