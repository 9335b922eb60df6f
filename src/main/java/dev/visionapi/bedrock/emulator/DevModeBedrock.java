package dev.visionapi.bedrock.emulator;

import java.net.URI;
import java.time.Duration;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.visionapi.bedrock.LocalBedrock;
import dev.visionapi.config.SourcesConfig;
import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.core.Vertx;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/**
 * Dev mode's Bedrock when no AWS credentials are configured: the emulator with {@link SyntheticAnswers} on loopback,
 * so that the service can be tried offline. The bean exists in the dev profile only (never in prod or test), and, being
 * application-scoped, the emulator starts only when the client producer first asks for its endpoint.
 */
@IfBuildProfile("dev")
@ApplicationScoped
class DevModeBedrock implements LocalBedrock {

    private static final Logger LOG = Logger.getLogger(DevModeBedrock.class);
    private static final AwsBasicCredentials CREDENTIALS = AwsBasicCredentials.create("emulator", "emulator");
    // A pause before each streamed word, so that streaming can be seen working.
    private static final Duration CHUNK_DELAY = Duration.ofMillis(40);

    private final Vertx vertx;
    private final SourcesConfig sources;
    private final int batchMinRecordsPerJob;
    private BedrockEmulator emulator;
    private volatile S3AsyncClient storage;

    /**
     * @param batchMinRecordsPerJob fewest records the emulator's batch jobs take ({@code
     *     emulator.batch.min-records-per-job}), Bedrock's quota (100) unless lowered, with the service's
     *     {@code jobs.batch.min-records-per-job}, to try tiny batch jobs in dev mode
     */
    DevModeBedrock(Vertx vertx, SourcesConfig sources, @ConfigProperty(name = "emulator.batch.min-records-per-job",
            defaultValue = "100") int batchMinRecordsPerJob) {
        this.vertx = vertx;
        this.sources = sources;
        this.batchMinRecordsPerJob = batchMinRecordsPerJob;
    }

    @PostConstruct
    void start() {
        emulator = BedrockEmulator.start(vertx, CREDENTIALS, new SyntheticAnswers(CHUNK_DELAY));
        // Batch jobs read and write S3 where image sources are read from (sources.s3.*: a local S3 or AWS).
        emulator.batch().storage(this::storage);
        emulator.batch().minRecordsPerJob(batchMinRecordsPerJob);
        LOG.warnf("No AWS credentials found: dev mode uses the local Bedrock emulator at %s. "
                + "Its answers are SYNTHETIC, not from a model. Configure AWS credentials to use Bedrock.",
                emulator.endpoint());
    }

    @Override
    public URI endpoint() {
        return emulator.endpoint();
    }

    @Override
    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(CREDENTIALS);
    }

    private synchronized S3AsyncClient storage() {
        if (storage == null) {
            S3AsyncClientBuilder builder = S3AsyncClient.builder().forcePathStyle(sources.s3().pathStyle())
                    .region(Region.of(sources.s3().region().orElse("us-east-1")));
            sources.s3().endpointOverride().ifPresent(builder::endpointOverride);
            storage = builder.build();
        }
        return storage;
    }

    @PreDestroy
    void close() {
        emulator.close();
        if (storage != null) {
            storage.close();
        }
    }
}
