package dev.visionapi.bedrock;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

/** Repeated Bedrock failures open the model's circuit; it answers 503 fast, then closes once Bedrock recovers. */
@QuarkusTest
@TestProfile(CircuitBreakerTest.SmallWindow.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class CircuitBreakerTest {

    public static class SmallWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("bedrock.circuit-breaker.request-volume-threshold", "4",
                    "bedrock.circuit-breaker.failure-ratio", "0.5",
                    "bedrock.circuit-breaker.delay", "2s",
                    "bedrock.max-attempts", "1");
        }
    }

    @Test
    void theCircuitOpensUnderRepeatedFailuresAndClosesAfterRecovery() throws InterruptedException {
        bedrock().reset();
        bedrock().always(new Reply(EmulatorReply.error(500, "InternalServerException", "Internal failure")));
        // The window holds the last 4 calls; at half of them failed, the circuit opens.
        int failures = 0;
        while (failures < 4 && analyse().extract().statusCode() == 502) {
            failures++;
        }
        assertThat(failures).isBetween(2, 4);
        int callsBeforeOpen = bedrock().calls().size();

        // Fast because Bedrock is not called at all; timings themselves belong in the benchmark.
        analyse().statusCode(503).header("Retry-After", "2")
                .body("type", equalTo("urn:visionapi:problem:bedrock-unavailable"))
                .body("detail", containsString("paused"));
        assertThat(bedrock().calls()).as("an open circuit does not call Bedrock").hasSize(callsBeforeOpen);

        bedrock().reset();
        Thread.sleep(2_200);
        analyse().statusCode(200);
        analyse().statusCode(200);
        assertThat(bedrock().calls()).hasSize(2);
    }

    @Test
    void clientErrorsNeverOpenTheCircuit() {
        bedrock().reset();
        bedrock().always(new Reply(EmulatorReply.error(400, "ValidationException", "Bad request")));
        for (int i = 0; i < 6; i++) {
            analyse().statusCode(400);
        }
        assertThat(bedrock().calls()).hasSize(6);
        bedrock().reset();
    }

    private static ValidatableResponse analyse() {
        return given().multiPart("sample", "cat-chelsea").multiPart("preset", "caption")
                .multiPart("model", "us.anthropic.claude-haiku-4-5-20251001-v1:0")
                .when().post("/v1/analyses").then();
    }
}
