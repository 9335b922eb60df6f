package dev.visionapi.bedrock.emulator;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The Bedrock emulator with what only tests need: serving over TLS, and counting the ConverseStream responses being
 * written and those the client abandoned. Kept out of the production jar, which carries only what dev mode uses.
 */
public final class TestEmulator implements AutoCloseable {

    /** A batch record whose prompt holds this text gets an {@code error} object instead of an answer. */
    public static final String FAIL_RECORD_MARKER = BatchInference.FAIL_RECORD_MARKER;

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

    /** Where batch jobs read their input and write their output. */
    public void batchStorage(S3AsyncClient s3) {
        emulator.batch().storage(() -> s3);
    }

    /** How long a batch job waits after its creation before it runs. */
    public void batchDelay(Duration delay) {
        emulator.batch().delay(delay);
    }

    /** Batch jobs waiting for their delay to pass run now. */
    public void runWaitingBatchJobs() {
        emulator.batch().runWaiting();
    }

    /** Batch records with these recordIds get an {@code error} object instead of an answer. */
    public void failBatchRecords(Set<String> recordIds) {
        emulator.batch().failingRecordIds(recordIds);
    }

    /** Batch jobs created from now on end {@code Failed}, without output. */
    public void failBatchJobs() {
        emulator.batch().outcome(BatchInference.Outcome.FAIL);
    }

    /** Batch jobs created from now on end {@code PartiallyCompleted}, with half of their records in the output. */
    public void completeBatchJobsPartially() {
        emulator.batch().outcome(BatchInference.Outcome.PARTIAL);
    }

    /**
     * Fewest records the input of a batch job created from now on may hold (Bedrock's quota, 100, by default and
     * after {@link #resetBatch()}); a job with fewer ends {@code Failed} when it is validated.
     */
    public void batchMinRecordsPerJob(int records) {
        emulator.batch().minRecordsPerJob(records);
    }

    /** Batch behaviour back to its defaults: complete every record of jobs of 100 records or more, after a second. */
    public void resetBatch() {
        emulator.batch().reset();
    }

    @Override
    public void close() {
        emulator.close();
    }
}
