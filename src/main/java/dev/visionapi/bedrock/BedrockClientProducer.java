package dev.visionapi.bedrock;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.visionapi.bedrock.emulator.BedrockEmulator;
import dev.visionapi.bedrock.emulator.SyntheticAnswers;
import dev.visionapi.config.BedrockConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientAsyncConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClientBuilder;

/**
 * Produces the one {@link BedrockRuntimeAsyncClient} of the application, on Netty, from {@link BedrockConfig}, and
 * closes it on shutdown. In dev mode without AWS credentials it starts the local emulator and points the client at it.
 */
@ApplicationScoped
public class BedrockClientProducer {

    private static final Logger LOG = Logger.getLogger(BedrockClientProducer.class);
    private static final Region FALLBACK_REGION = Region.US_EAST_1;
    private static final Duration DEV_CHUNK_DELAY = Duration.ofMillis(40);

    private final BedrockConfig config;
    private final Vertx vertx;
    private BedrockEmulator devEmulator;

    BedrockClientProducer(BedrockConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    @Produces
    @Singleton
    @Startup
    BedrockRuntimeAsyncClient bedrockClient() {
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                .maxConcurrency(config.maxConcurrency())
                // The SDK's 30 s read timeout would cut long generations; the overall deadline governs instead.
                .readTimeout(config.timeout())
                .writeTimeout(config.timeout())
                .connectionAcquisitionTimeout(config.timeout());
        BedrockRuntimeAsyncClientBuilder builder = BedrockRuntimeAsyncClient.builder()
                // httpClientBuilder, not httpClient: the SDK then applies Bedrock's own defaults (HTTP/2) to it.
                .httpClientBuilder(http)
                // Completions run on the SDK's Netty thread instead of hopping to its own pool: what follows them
                // (mapping the answer, writing the response) never blocks.
                .asyncConfiguration(ClientAsyncConfiguration.builder()
                        .advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run)
                        .build())
                .region(region())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(config.timeout())
                        // Standard mode: throttling and 5xx retried with jittered backoff, inside apiCallTimeout.
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(config.maxAttempts())
                                .build())
                        .build());
        Optional<URI> endpoint = config.endpointOverride();
        AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        if (endpoint.isEmpty() && LaunchMode.current() == LaunchMode.DEVELOPMENT && !resolvable(credentials)) {
            devEmulator = BedrockEmulator.start(vertx, new SyntheticAnswers(DEV_CHUNK_DELAY));
            endpoint = Optional.of(devEmulator.endpoint());
            credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("emulator", "emulator"));
            LOG.warnf("No AWS credentials found: dev mode uses the local Bedrock emulator at %s. "
                    + "Its answers are SYNTHETIC, not from a model. Configure AWS credentials to use Bedrock.",
                    devEmulator.endpoint());
        }
        endpoint.ifPresent(builder::endpointOverride);
        return builder.credentialsProvider(credentials).build();
    }

    void close(@Disposes BedrockRuntimeAsyncClient client) {
        client.close();
        if (devEmulator != null) {
            devEmulator.close();
        }
    }

    private Region region() {
        if (config.region().isPresent()) {
            return Region.of(config.region().get());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            LOG.infof("No AWS region configured; using %s", FALLBACK_REGION);
            return FALLBACK_REGION;
        }
    }

    private static boolean resolvable(AwsCredentialsProvider credentials) {
        try {
            credentials.resolveCredentials();
            return true;
        } catch (SdkClientException e) {
            return false;
        }
    }
}
