package dev.visionapi.ops;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.visionapi.bedrock.BedrockClientProducer;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/**
 * Ready when the Bedrock client has a region and its credentials resolve. Bedrock itself is not called: probes come
 * every few seconds and would cost requests and quota. The SDK caches resolved credentials, so a probe is cheap.
 * Until the client is built (it is built at start-up, next to the HTTP server) a probe waits for it without blocking.
 */
@Readiness
@ApplicationScoped
public class BedrockReadiness implements AsyncHealthCheck {

    private static final String NAME = "bedrock";

    private final BedrockClientProducer clients;

    BedrockReadiness(BedrockClientProducer clients) {
        this.clients = clients;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(clients::built)
                .onItem().transformToUni(BedrockReadiness::check)
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("client", "not built")
                        .build());
    }

    private static Uni<HealthCheckResponse> check(BedrockRuntimeAsyncClient client) {
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
