package dev.visionapi.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import software.amazon.awssdk.http.Protocol;

/**
 * How the service reaches Amazon Bedrock. Credentials are not configured here: they always come from the AWS
 * default credentials chain (environment, profile, web identity/IRSA, container and instance roles).
 */
@ConfigMapping(prefix = "bedrock")
public interface BedrockConfig {

    /**
     * AWS region of the Bedrock runtime endpoint. When absent, the AWS default region chain ({@code AWS_REGION},
     * profile) decides, and {@code us-east-1} is the last resort.
     */
    Optional<String> region();

    /** Endpoint URL that replaces the regional one: emulators, VPC interface endpoints, proxies. */
    Optional<URI> endpointOverride();

    /** Model or inference-profile ID used when a request names none. It is always allowed. */
    @WithDefault("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    String defaultModel();

    /**
     * The model or inference-profile IDs a request may name in its {@code model} field. When absent, every model of
     * the catalogue ({@code models.json} and {@code bedrock.models-file}) is allowed.
     */
    Optional<List<String>> models();

    /**
     * A JSON file in the form of the built-in {@code models.json} whose entries add to or replace the catalogue's:
     * other models, capabilities, prices.
     */
    Optional<Path> modelsFile();

    /**
     * Overall deadline of one Bedrock call, retries included. It is also the read timeout of the HTTP client, so that
     * long generations are not cut off by the SDK's 30 s default.
     */
    @WithDefault("60s")
    Duration timeout();

    /**
     * Concurrent requests (HTTP/2 streams or HTTP/1.1 connections) to Bedrock. Model calls last seconds, so the SDK's
     * default of 50 would queue requests inside the client.
     */
    @WithDefault("512")
    int maxConcurrency();

    /**
     * HTTP version towards Bedrock: {@code HTTP1_1} or {@code HTTP2}. With HTTP/1.1 each call has a pooled connection
     * of its own (at most {@link #maxConcurrency()}); with HTTP/2 up to 128 calls share one connection, which saves
     * connections and TLS handshakes but costs more CPU per call in Netty's HTTP/2 framing and flow control, so
     * HTTP/1.1 answers more analyses per second. Converse and ConverseStream work over both.
     */
    @WithDefault("HTTP1_1")
    Protocol protocol();

    /** Attempts per Bedrock call in the SDK's standard retry mode (throttling and 5xx are retried with backoff). */
    @WithDefault("3")
    int maxAttempts();

    /** Seconds a client is asked to wait (the {@code Retry-After} header) when Bedrock throttles or is unavailable. */
    @WithDefault("5")
    int retryAfterSeconds();

    /** The circuit breaker in front of each model: it opens after repeated Bedrock failures and then answers 503. */
    CircuitBreaker circuitBreaker();

    /** Circuit breaker settings. Client errors (400-class) never count as failures. */
    interface CircuitBreaker {

        /** Calls in the rolling window the failure ratio is computed over. */
        @WithDefault("20")
        int requestVolumeThreshold();

        /** Share of failed calls in the window that opens the circuit. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long an open circuit refuses calls before it lets probes through. */
        @WithDefault("30s")
        Duration delay();
    }
}
