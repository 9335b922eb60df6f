package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ReceivedImages;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Hang;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** Bedrock's failures, sent by the emulator on the wire, become the documented problems. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class BedrockFailureTest {

    private static final Reply THROTTLED = new Reply(EmulatorReply.error(429, "ThrottlingException", "Too many requests"));

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void aTransientThrottleIsRetriedIntoSuccess() {
        bedrock().next(THROTTLED);
        analyse().statusCode(200).body("text", containsString("synthetic"));
        assertThat(bedrock().calls()).hasSize(2);
    }

    @Test
    void aDroppedConnectionIsRetriedWithTheSameBody() {
        bedrock().next(new Reply(EmulatorReply.dropConnection()));
        analyse().statusCode(200);
        assertThat(bedrock().calls()).hasSize(2);
        // The emulator checked the retry's signature over the body it received, and the images arrived whole.
        assertThat(ReceivedImages.of(bedrock().calls().get(1)).get(0)).isNotEmpty()
                .isEqualTo(ReceivedImages.of(bedrock().calls().get(0)).get(0));
    }

    @Test
    void persistentThrottlingIsA503WithRetryAfter() {
        bedrock().always(THROTTLED);
        analyse().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("type", equalTo("urn:visionapi:problem:bedrock-throttled"));
        assertThat(bedrock().calls()).as("standard retry mode makes 3 attempts").hasSize(3);
    }

    @Test
    void serviceUnavailableIsA503WithRetryAfter() {
        bedrock().always(new Reply(EmulatorReply.error(503, "ServiceUnavailableException", "Service unavailable")));
        analyse().statusCode(503).header("Retry-After", "5")
                .body("type", equalTo("urn:visionapi:problem:bedrock-unavailable"));
    }

    @Test
    void accessDeniedIsA502WithoutBedrocksMessage() {
        bedrock().always(new Reply(EmulatorReply.error(403, "AccessDeniedException",
                "User arn:aws:iam::123456789012:role/app is not authorized to perform bedrock:InvokeModel")));
        analyse().statusCode(502)
                .body("type", equalTo("urn:visionapi:problem:bedrock-access-denied"))
                .body(not(containsString("123456789012")));
        assertThat(bedrock().calls()).as("access denied is not retried").hasSize(1);
    }

    @Test
    void unknownModelIsA502() {
        bedrock().always(new Reply(EmulatorReply.error(404, "ResourceNotFoundException", "Model not found")));
        analyse().statusCode(502).body("type", equalTo("urn:visionapi:problem:model-unavailable"));
    }

    @Test
    void internalErrorIsRetriedThenA502() {
        bedrock().always(new Reply(EmulatorReply.error(500, "InternalServerException", "Internal failure")));
        analyse().statusCode(502).body("type", equalTo("urn:visionapi:problem:bedrock-failed"));
        assertThat(bedrock().calls()).hasSize(3);
    }

    @Test
    void aTransient5xxIsRetriedIntoSuccess() {
        bedrock().next(new Reply(EmulatorReply.error(500, "InternalServerException", "Internal failure")));
        analyse().statusCode(200);
        assertThat(bedrock().calls()).hasSize(2);
    }

    @Test
    void bedrockValidationIsA400WithItsMessage() {
        bedrock().always(new Reply(EmulatorReply.error(400, "ValidationException",
                "max_tokens: 8192 > 4096, which is the maximum allowed number of output tokens")));
        analyse().statusCode(400)
                .body("type", equalTo("urn:visionapi:problem:model-rejected-request"))
                .body("detail", containsString("maximum allowed number of output tokens"));
    }

    @Test
    void modelTimeoutIsA504() {
        bedrock().always(new Reply(EmulatorReply.error(408, "ModelTimeoutException", "Model timed out")));
        analyse().statusCode(504).body("type", equalTo("urn:visionapi:problem:bedrock-timeout"));
    }

    @Test
    void aHangIsA504WithinTheDeadline() {
        bedrock().always(new Hang());
        long started = System.nanoTime();
        analyse().statusCode(504).body("type", equalTo("urn:visionapi:problem:bedrock-timeout"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // bedrock.timeout is 5 s in the test profile.
        assertThat(took).isBetween(Duration.ofMillis(4_500), Duration.ofSeconds(8));
    }

    private static ValidatableResponse analyse() {
        return given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then();
    }
}
