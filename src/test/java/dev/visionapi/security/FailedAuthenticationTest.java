package dev.visionapi.security;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.security.RawRequest.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Wrong API keys are throttled per client address: past {@code auth.failed-authentications-per-minute} the address's
 * requests with a key get 429 before the key is checked, the right key included; requests needing no key still pass.
 * Refusals for a missing key do not count, and do not record their invented paths in the metrics.
 */
@QuarkusTest
@TestProfile(FailedAuthenticationTest.WithKeys.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class FailedAuthenticationTest {

    private static final String KEY = "k-failed-auth-5e21";

    public static class WithKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("auth.api-keys", KEY, "auth.failed-authentications-per-minute", "3");
        }
    }

    @TestHTTPResource("/")
    URL server;

    @Test
    void wrongKeysFromOneAddressAreThrottledBeforeTheKeyIsChecked() {
        bedrock().reset();
        for (int i = 0; i < 3; i++) {
            Reply wrong = RawRequest.get("/v1/models").header("X-API-Key", "guess-" + i).sendTo(server);
            assertThat(wrong.status()).as(wrong.toString()).isEqualTo(401);
        }
        Reply throttled = RawRequest.get("/v1/models").header("X-API-Key", "guess-3").sendTo(server);
        assertThat(throttled.status()).as(throttled.toString()).isEqualTo(429);
        assertThat(throttled.header("Content-Type")).startsWith("application/problem+json");
        assertThat(throttled.header("Retry-After")).matches("[1-9][0-9]?");
        assertThat(throttled.body()).contains("urn:visionapi:problem:rate-limited").doesNotContain("guess-3");

        Reply rightKeyMeanwhile = RawRequest.get("/v1/presets").header("Authorization", "Bearer " + KEY)
                .sendTo(server);
        assertThat(rightKeyMeanwhile.status()).as("not compared while the address waits").isEqualTo(429);

        assertThat(RawRequest.get("/q/health/ready").header("X-API-Key", "guess-4").sendTo(server).status())
                .as("no key is checked for health").isEqualTo(200);
        Reply withoutKey = RawRequest.get("/v1/models").sendTo(server);
        assertThat(withoutKey.status()).as("a request without a key is told to send one").isEqualTo(401);
    }

    @Test
    void refusalsWithoutAKeyToInventedPathsDoNotFillTheMetrics() {
        String run = "unauth" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 150; i++) {
            assertThat(RawRequest.get("/v1/" + run + "-" + i).sendTo(server).status()).isEqualTo(401);
        }
        // The page, not an API path: the other test may have made this address wait before any key is checked.
        assertThat(RawRequest.of("HEAD", "/").sendTo(server).status()).isEqualTo(200);
        String metrics = RawRequest.get("/q/metrics").sendTo(server).body();
        assertThat(metrics).doesNotContain(run);
        assertThat(metrics.lines().filter(line -> line.startsWith("http_server_requests_seconds_count")
                && line.contains("method=\"HEAD\"") && line.contains("uri=\"root\""))).isNotEmpty();
    }
}
