package dev.visionapi.ops;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/**
 * Ready when the Bedrock client has a region and its credentials resolve. Bedrock itself is not called: probes come
 * every few seconds and would cost requests and quota. The SDK caches resolved credentials, so a probe is cheap.
 */
@Readiness
@ApplicationScoped
public class BedrockReadiness implements AsyncHealthCheck {

    private static final String NAME = "bedrock";

    private final BedrockRuntimeAsyncClient client;

    BedrockReadiness(BedrockRuntimeAsyncClient client) {
        this.client = client;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        var configuration = client.serviceClientConfiguration();
        String region = configuration.region() == null ? "none" : configuration.region().id();
        return Uni.createFrom().completionStage(() -> configuration.credentialsProvider().resolveIdentity())
                .map(identity -> HealthCheckResponse.named(NAME).up()
                        .withData("region", region)
                        .withData("credentials", "resolved")
                        .build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("region", region)
                        .withData("credentials", "not found")
                        .build());
    }
}
