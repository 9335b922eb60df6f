package dev.visionapi.bedrock;

import java.util.concurrent.ScheduledThreadPoolExecutor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.visionapi.aws.ClientRegion;
import dev.visionapi.aws.DeadlineScheduler;
import dev.visionapi.config.BedrockConfig;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientAsyncConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.services.bedrock.BedrockAsyncClient;
import software.amazon.awssdk.services.bedrock.BedrockAsyncClientBuilder;

/**
 * Produces the {@link BedrockAsyncClient} of Bedrock's control plane (batch inference jobs), on Netty, from the same
 * {@link BedrockConfig} as the runtime client: endpoint override (or dev mode's {@link LocalBedrock}), region,
 * credentials, deadline and retries. It is built when first used: a service that runs no batch job never pays for its
 * set-up.
 */
@ApplicationScoped
public class BedrockControlClientProducer {

    private final BedrockConfig config;
    private final Instance<LocalBedrock> localBedrock;
    private final ScheduledThreadPoolExecutor deadlines = DeadlineScheduler.create("bedrock-control-deadline", 1);

    BedrockControlClientProducer(BedrockConfig config, Instance<LocalBedrock> localBedrock) {
        this.config = config;
        this.localBedrock = localBedrock;
    }

    @Produces
    @Singleton
    BedrockAsyncClient bedrockControlClient() {
        BedrockAsyncClientBuilder builder = BedrockAsyncClient.builder()
                .httpClientBuilder(BedrockClientProducer.httpClient(config))
                // What follows a completion (mapping a job's status) never blocks, so it stays on the Netty thread.
                .asyncConfiguration(ClientAsyncConfiguration.builder()
                        .advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run)
                        .build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .scheduledExecutorService(deadlines)
                        .apiCallTimeout(config.timeout())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(config.maxAttempts())
                                .build())
                        .build());
        BedrockClientProducer.Target target = BedrockClientProducer.target(config, localBedrock);
        target.endpoint().ifPresent(builder::endpointOverride);
        builder.credentialsProvider(target.credentials());
        return ClientRegion.build(builder, config.region(), "Bedrock control plane");
    }

    void close(@Disposes BedrockAsyncClient client) {
        client.close();
        deadlines.shutdownNow(); // the SDK leaves an executor it was given to its owner
    }
}
