package dev.visionapi.aws;

import java.util.Optional;

import org.jboss.logging.Logger;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/** The region an SDK client is built for: the configured one, else the SDK's default chain, else us-east-1. */
public final class ClientRegion {

    private static final Logger LOG = Logger.getLogger(ClientRegion.class);
    private static final Region FALLBACK = Region.US_EAST_1;

    private ClientRegion() {
    }

    /** Builds the client; {@code client} names it in the log line that says the fallback was taken. */
    public static <B extends AwsClientBuilder<B, C>, C> C build(B builder, Optional<String> configured,
            String client) {
        if (configured.isPresent()) {
            return builder.region(Region.of(configured.get())).build();
        }
        try {
            return builder.build(); // the SDK's default region chain decides
        } catch (SdkClientException e) {
            // The chain found no region (its providers are not the SDK's public API, so it is asked through build).
            LOG.infof("No AWS region configured for %s; using %s", client, FALLBACK);
            return builder.region(FALLBACK).build();
        }
    }
}
