package dev.visionapi.bedrock.emulator;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;

/**
 * Starts the Bedrock emulator on loopback for the test run and points the service's real AWS SDK client at it.
 * Tests reach the emulator's script through {@link #bedrock()}.
 */
public class BedrockEmulatorResource implements QuarkusTestResourceLifecycleManager {

    private static volatile ScriptedBedrock bedrock;
    private static volatile BedrockEmulator emulator;

    private Vertx vertx;

    public static ScriptedBedrock bedrock() {
        return bedrock;
    }

    /** The emulator itself, for what it observes on the wire (open and abandoned streams). */
    public static BedrockEmulator emulator() {
        return emulator;
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        bedrock = new ScriptedBedrock(vertx);
        emulator = BedrockEmulator.start(vertx, bedrock);
        // The default credentials chain reads these first; the emulator checks that requests are signed.
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        return Map.of("bedrock.endpoint-override", emulator.endpoint().toString());
    }

    @Override
    public void stop() {
        emulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
