package dev.visionapi.sources;

import java.util.concurrent.ScheduledThreadPoolExecutor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;


import dev.visionapi.aws.ClientRegion;
import dev.visionapi.aws.DeadlineScheduler;
import dev.visionapi.config.SourcesConfig;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientAsyncConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/**
 * Produces the {@link S3AsyncClient} that reads image sources, on Netty, from {@link SourcesConfig.S3}, and closes it
 * on shutdown. It is built when first used: a service that reads nothing from S3 never pays for its set-up.
 */
@ApplicationScoped
public class S3ClientProducer {


    private final SourcesConfig config;
    private final ScheduledThreadPoolExecutor deadlines = DeadlineScheduler.create("s3-deadline", 1);

    S3ClientProducer(SourcesConfig config) {
        this.config = config;
    }

    @Produces
    @Singleton
    S3AsyncClient s3Client() {
        S3AsyncClientBuilder builder = builder(config.s3(), deadlines)
                .credentialsProvider(DefaultCredentialsProvider.builder().build());
        return ClientRegion.build(builder, config.s3().region(), "S3");
    }

    /** Everything of the client but its credentials and region: the HTTP client, deadline, addressing, endpoint. */
    static S3AsyncClientBuilder builder(SourcesConfig.S3 s3, ScheduledThreadPoolExecutor deadlines) {
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        // The SDK's 30 s read timeout would outlast the deadline; the deadline governs instead.
                        .readTimeout(s3.timeout())
                        .writeTimeout(s3.timeout())
                        .connectionAcquisitionTimeout(s3.timeout())
                        .maxConcurrency(s3.maxConcurrency()))
                // Completions run on the SDK's Netty thread instead of hopping to its own pool: what follows them
                // (checking the length, copying the bytes) never blocks.
                .asyncConfiguration(ClientAsyncConfiguration.builder()
                        .advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run)
                        .build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .scheduledExecutorService(deadlines)
                        .apiCallTimeout(s3.timeout())
                        .build())
                .forcePathStyle(s3.pathStyle());
        s3.endpointOverride().ifPresent(builder::endpointOverride);
        return builder;
    }

    void close(@Disposes S3AsyncClient client) {
        client.close();
        deadlines.shutdownNow(); // the SDK leaves an executor it was given to its owner
    }
}
