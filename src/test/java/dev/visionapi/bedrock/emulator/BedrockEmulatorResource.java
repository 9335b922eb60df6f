package dev.visionapi.bedrock.emulator;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Starts the Bedrock emulator on loopback for the test run and points the service's real AWS SDK client at it.
 * Tests reach the emulator's script through {@link #bedrock()}.
 */
public class BedrockEmulatorResource implements QuarkusTestResourceLifecycleManager {

    /** The AWS documentation's example key: what the service signs with, and the emulator verifies with. */
    public static final AwsCredentialsIdentity CREDENTIALS = AwsCredentialsIdentity.create("AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    private static volatile ScriptedBedrock bedrock;
    private static volatile TestEmulator emulator;

    private Vertx vertx;

    public static ScriptedBedrock bedrock() {
        return bedrock;
    }

    /** The emulator itself, for what it observes on the wire (open and abandoned streams). */
    public static TestEmulator emulator() {
        return emulator;
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        bedrock = new ScriptedBedrock(vertx);
        emulator = TestEmulator.start(vertx, CREDENTIALS, bedrock);
        // The default credentials chain reads these first; the emulator checks the requests' signatures with them.
        System.setProperty("aws.accessKeyId", CREDENTIALS.accessKeyId());
        System.setProperty("aws.secretAccessKey", CREDENTIALS.secretAccessKey());
        return Map.of("bedrock.endpoint-override", emulator.endpoint().toString());
    }

    @Override
    public void stop() {
        emulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
