package dev.visionapi.bedrock.emulator;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The Bedrock emulator with what only tests need: serving over TLS, and counting the ConverseStream responses being
 * written and those the client abandoned. Kept out of the production jar, which carries only what dev mode uses.
 */
public final class TestEmulator implements AutoCloseable {

    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger abandonedStreams = new AtomicInteger();
    private final BedrockEmulator emulator;

    private TestEmulator(Vertx vertx, AwsCredentialsIdentity credentials, BedrockEmulator.ConverseHandler handler,
            KeyCertOptions tls) {
        this.emulator = BedrockEmulator.start(vertx, credentials, handler, options -> {
            if (tls != null) {
                // As Bedrock: HTTP/2 when the client asks for it by ALPN, HTTP/1.1 otherwise.
                options.setSsl(true).setUseAlpn(true).setKeyCertOptions(tls);
            }
        }, new BedrockEmulator.StreamListener() {
            @Override
            public void opened() {
                openStreams.incrementAndGet();
            }

            @Override
            public void ended(boolean completed) {
                openStreams.decrementAndGet();
                if (!completed) {
                    abandonedStreams.incrementAndGet();
                }
            }
        });
    }

    /** An emulator over HTTP/1.1 or h2c on a free loopback port; blocks until it listens. */
    public static TestEmulator start(Vertx vertx, AwsCredentialsIdentity credentials,
            BedrockEmulator.ConverseHandler handler) {
        return new TestEmulator(vertx, credentials, handler, null);
    }

    /** As {@link #start}, but over TLS with this key and certificate, as Bedrock itself is reached. */
    public static TestEmulator startWithTls(Vertx vertx, AwsCredentialsIdentity credentials,
            BedrockEmulator.ConverseHandler handler, KeyCertOptions keyAndCertificate) {
        return new TestEmulator(vertx, credentials, handler, keyAndCertificate);
    }

    /** The URL to use as {@code bedrock.endpoint-override}. */
    public URI endpoint() {
        return emulator.endpoint();
    }

    /** ConverseStream responses being written right now. */
    public int openStreams() {
        return openStreams.get();
    }

    /** ConverseStream responses the client closed or reset before their end. */
    public int abandonedStreams() {
        return abandonedStreams.get();
    }

    @Override
    public void close() {
        emulator.close();
    }
}
