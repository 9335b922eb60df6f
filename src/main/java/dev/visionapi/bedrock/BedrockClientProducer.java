package dev.visionapi.bedrock;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.visionapi.aws.ClientRegion;
import dev.visionapi.aws.DeadlineScheduler;
import dev.visionapi.config.BedrockConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientAsyncConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClientBuilder;

/**
 * Produces the one {@link BedrockRuntimeAsyncClient} of the application, on Netty, from {@link BedrockConfig}, and
 * closes it on shutdown. The SDK marshals, signs (its default SigV4 signer) and sends each request itself. When
 * neither an endpoint override nor AWS credentials are configured and a {@link LocalBedrock} exists (dev mode's
 * emulator), the client calls that instead.
 * <p>
 * The client is built at start-up, on a thread of its own: the SDK's set-up (endpoint rules, the credentials chain,
 * the TLS context of its ALPN check) takes a few hundred milliseconds that the HTTP server need not wait for.
 * Readiness waits for it ({@link #built()}); a client that cannot be built stops the application, as it did when it
 * was built on the start-up thread.
 */
@ApplicationScoped
public class BedrockClientProducer {

    private static final Logger LOG = Logger.getLogger(BedrockClientProducer.class);

    private final BedrockConfig config;
    // An Instance, resolved only when nothing is configured: the bean exists in dev mode only.
    private final Instance<LocalBedrock> localBedrock;
    private final CompletableFuture<BedrockRuntimeAsyncClient> built = new CompletableFuture<>();
    private final ScheduledThreadPoolExecutor timeouts = DeadlineScheduler.create("bedrock-deadline", 2);

    BedrockClientProducer(BedrockConfig config, Instance<LocalBedrock> localBedrock) {
        this.config = config;
        this.localBedrock = localBedrock;
    }

    void buildAtStartup(@Observes StartupEvent event, Instance<BedrockRuntimeAsyncClient> client) {
        Thread builder = new Thread(() -> {
            try {
                built.complete(client.get());
            } catch (RuntimeException | Error e) {
                built.completeExceptionally(e);
                LOG.error("The Bedrock client cannot be built; stopping", e);
                Quarkus.asyncExit(1);
            }
        }, "bedrock-client-builder");
        builder.setDaemon(true);
        builder.start();
    }

    /** Completes with the client once it is built at start-up, or with the reason it could not be. */
    public CompletionStage<BedrockRuntimeAsyncClient> built() {
        return built.minimalCompletionStage();
    }

    @Produces
    @Singleton
    BedrockRuntimeAsyncClient bedrockClient() {
        BedrockRuntimeAsyncClientBuilder builder = BedrockRuntimeAsyncClient.builder()
                // httpClientBuilder, not httpClient: the SDK then applies Bedrock's own defaults to what is not set here.
                .httpClientBuilder(httpClient(config))
                // Completions run on the SDK's Netty thread instead of hopping to its own pool: what follows them
                // (mapping the answer, writing the response) never blocks.
                .asyncConfiguration(ClientAsyncConfiguration.builder()
                        .advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run)
                        .build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .scheduledExecutorService(timeouts)
                        .apiCallTimeout(config.timeout())
                        // Standard mode: throttling and 5xx retried with jittered backoff, inside apiCallTimeout.
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(config.maxAttempts())
                                .build())
                        .build());
        Target target = target(config, localBedrock);
        target.endpoint().ifPresent(builder::endpointOverride);
        builder.credentialsProvider(target.credentials());
        return ClientRegion.build(builder, config.region(), "Bedrock");
    }

    /** Where a Bedrock client goes and how it signs: both of Bedrock's clients (runtime, control plane) share it. */
    record Target(Optional<URI> endpoint, AwsCredentialsProvider credentials) {
    }

    /**
     * The configured endpoint override (or the regional endpoint) with the default credentials chain; dev mode's
     * {@link LocalBedrock} when neither an override nor credentials are configured.
     */
    static Target target(BedrockConfig config, Instance<LocalBedrock> localBedrock) {
        Optional<URI> endpoint = config.endpointOverride();
        AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        if (endpoint.isEmpty() && localBedrock.isResolvable() && !resolvable(credentials)) {
            LocalBedrock local = localBedrock.get();
            return new Target(Optional.of(local.endpoint()), local.credentials());
        }
        return new Target(endpoint, credentials);
    }

    /** The HTTP client towards Bedrock: its protocol, pool and timeouts. */
    static NettyNioAsyncHttpClient.Builder httpClient(BedrockConfig config) {
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                .maxConcurrency(config.maxConcurrency())
                // The SDK's 30 s read timeout would cut long generations; the overall deadline governs instead.
                .readTimeout(config.timeout())
                .writeTimeout(config.timeout())
                .connectionAcquisitionTimeout(config.timeout())
                .protocol(config.protocol());
        if (config.protocol() == Protocol.HTTP1_1) {
            // Bedrock's defaults in the SDK ask for ALPN, which the SDK's Netty client supports for HTTP/2 only: over
            // TLS with HTTP/1.1 it would close every new connection before its handshake. HTTP/1.1 needs no
            // negotiation (it is what a TLS connection without ALPN speaks), and the SDK then skips its check of
            // the JDK's ALPN support, a tenth of a second at start-up.
            http.protocolNegotiation(ProtocolNegotiation.ASSUME_PROTOCOL);
        }
        return http;
    }

    void close(@Disposes BedrockRuntimeAsyncClient client) {
        client.close();
        timeouts.shutdownNow(); // the SDK leaves an executor it was given to its owner
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
