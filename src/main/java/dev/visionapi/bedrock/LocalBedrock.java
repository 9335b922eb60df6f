package dev.visionapi.bedrock;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * A stand-in for Bedrock that the client uses when neither {@code bedrock.endpoint-override} nor AWS credentials are
 * configured. Only dev mode provides one (the emulator); this type keeps the client producer from depending on it.
 */
public interface LocalBedrock {

    /** Where the stand-in listens; it is started on first use. */
    URI endpoint();

    /** The credentials the stand-in accepts. */
    AwsCredentialsProvider credentials();
}
