package dev.visionapi.sources;

import static dev.visionapi.sources.S3ProxyResource.BUCKET;
import static dev.visionapi.sources.S3ProxyResource.CHANGING_AFTER_RANGE_KEY;
import static dev.visionapi.sources.S3ProxyResource.CHANGING_KEY;
import static dev.visionapi.sources.S3ProxyResource.FAILING_KEY;
import static dev.visionapi.sources.S3ProxyResource.MISSING_BUCKET;
import static dev.visionapi.sources.S3ProxyResource.OTHER_BUCKET;
import static dev.visionapi.sources.S3ProxyResource.STALLING_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.visionapi.aws.DeadlineScheduler;
import dev.visionapi.config.ImagesConfig;
import dev.visionapi.config.SourcesConfig;
import dev.visionapi.image.ImagePreparer;
import dev.visionapi.image.ImageLocation;
import dev.visionapi.image.ImageReference;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.image.RequestImage;
import dev.visionapi.image.TestImageFactory;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Reads images through the service's real S3 async client from S3Proxy ({@link S3ProxyResource}), and checks each
 * failure's problem type.
 */
@QuarkusTest
@TestProfile(S3ImageReaderTest.FromS3Proxy.class)
class S3ImageReaderTest {

    /** S3Proxy, and a cap on image files between the size of two samples. */
    public static class FromS3Proxy implements QuarkusTestProfile {

        static final int MAX_FILE_BYTES = 500_000;

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("images.max-file-bytes", Integer.toString(MAX_FILE_BYTES));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(S3ProxyResource.class));
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    S3ImageReader reader;

    @Inject
    S3AsyncClient client;

    @Inject
    SourcesConfig sources;

    @Inject
    ImagesConfig images;

    @Inject
    ImagePreparer preparer;

    @Test
    void readsAnObjectByteForByte() {
        ImageUpload image = reader.read("s3://images/cat-chelsea.png").await().atMost(WAIT);

        assertThat(image.bytes()).isEqualTo(S3ProxyResource.sample("cat-chelsea.png"));
        assertThat(image.name()).isEqualTo("s3://images/cat-chelsea.png");
    }

    @Test
    void takesTheKeyLiterally() {
        ImageUpload image = reader.read("s3://images/odd keys/100% cat?.png").await().atMost(WAIT);

        assertThat(image.bytes()).isEqualTo(S3ProxyResource.sample("cat-chelsea.png"));
    }

    @Test
    void refusesABucketNotAllowedWithoutAskingS3() {
        assertProblem(reader.read("s3://" + OTHER_BUCKET + "/cat-chelsea.png"), ProblemType.SOURCE_FORBIDDEN);
        assertThat(S3ProxyResource.heads(OTHER_BUCKET, "cat-chelsea.png")).isZero();
        assertThat(S3ProxyResource.gets(OTHER_BUCKET, "cat-chelsea.png")).isZero();
    }

    @Test
    void missingObjectIsNotFound() {
        assertProblem(reader.read("s3://images/no-such-image.png"), ProblemType.SOURCE_NOT_FOUND);
    }

    @Test
    void missingBucketIsNotFound() {
        assertProblem(reader.read("s3://" + MISSING_BUCKET + "/cat-chelsea.png"), ProblemType.SOURCE_NOT_FOUND);
    }

    @Test
    void objectOverTheCapIsRefusedWithoutDownloadingIt() {
        assertThat(S3ProxyResource.sample("person-astronaut.png").length).isGreaterThan(FromS3Proxy.MAX_FILE_BYTES);
        int getsBefore = S3ProxyResource.gets(BUCKET, "person-astronaut.png");

        ProblemException problem = assertProblem(reader.read("s3://images/person-astronaut.png"),
                ProblemType.PAYLOAD_TOO_LARGE);

        assertThat(problem.getMessage()).contains("at most " + FromS3Proxy.MAX_FILE_BYTES);
        assertThat(S3ProxyResource.heads(BUCKET, "person-astronaut.png")).isPositive();
        assertThat(S3ProxyResource.gets(BUCKET, "person-astronaut.png")).isEqualTo(getsBefore);
    }

    @Test
    void objectAtTheCapIsRead() {
        byte[] content = new byte[FromS3Proxy.MAX_FILE_BYTES];
        content[content.length - 1] = 42;
        S3ProxyResource.put(BUCKET, "exactly-at-the-cap.bin", content);

        assertThat(reader.read("s3://images/exactly-at-the-cap.bin").await().atMost(WAIT).bytes()).isEqualTo(content);
    }

    @Test
    void wrongCredentialsAreAccessDenied() {
        try (S3AsyncClient client = S3ClientProducer.builder(sources.s3(), DeadlineScheduler.create("s3-deadline", 1))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDWRONG", "not-the-secret")))
                .region(Region.US_EAST_1)
                .build()) {
            S3ImageReader wrongKey = new S3ImageReader(client, sources, images, preparer);

            assertProblem(wrongKey.read("s3://images/cat-chelsea.png"), ProblemType.SOURCE_ACCESS_DENIED);
        }
    }

    @Test
    void failingS3IsUnreachable() {
        ProblemException problem = assertProblem(reader.read("s3://images/" + FAILING_KEY),
                ProblemType.SOURCE_UNREACHABLE);

        assertThat(problem.getMessage()).contains("status 500");
        assertThat(S3ProxyResource.heads(BUCKET, FAILING_KEY)).isGreaterThan(1); // retried by the SDK
    }

    @Test
    void refusedConnectionIsUnreachable() {
        SourcesConfig closed = new TestConfig(Map.of(
                // A port nothing listens on: the connection is refused.
                "sources.s3.endpoint-override", "http://127.0.0.1:9",
                "sources.s3.path-style", "true",
                "sources.s3.allowed-buckets", BUCKET)).sources();
        try (S3AsyncClient client = S3ClientProducer.builder(closed.s3(), DeadlineScheduler.create("s3-deadline", 1))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
                .region(Region.US_EAST_1)
                // Without retries: a retried refused connection now and then waits out the whole deadline in the
                // SDK's Netty pool (then 504 source-timeout); this test is about the refusal itself.
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(closed.s3().timeout())
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .build())
                .build()) {
            S3ImageReader unreachable = new S3ImageReader(client, closed, images, preparer);

            assertProblem(unreachable.read("s3://images/cat-chelsea.png"), ProblemType.SOURCE_UNREACHABLE);
        }
    }

    @Test
    void stalledS3IsATimeout() {
        S3ProxyResource.put(BUCKET, STALLING_KEY, new byte[] {1, 2, 3});
        SourcesConfig impatient = new TestConfig(Map.of(
                "sources.s3.allowed-buckets", BUCKET, "sources.s3.timeout", "1s")).sources();
        S3ImageReader impatientReader = new S3ImageReader(client, impatient, images, preparer);

        assertProblem(impatientReader.read("s3://images/" + STALLING_KEY), ProblemType.SOURCE_TIMEOUT);
    }

    @Test
    void objectReplacedAfterItsLengthWasCheckedIsNotRead() {
        S3ProxyResource.put(BUCKET, CHANGING_KEY, new byte[] {1, 2, 3});

        ProblemException problem = assertProblem(reader.read("s3://images/" + CHANGING_KEY),
                ProblemType.SOURCE_UNREACHABLE);

        assertThat(problem.getMessage()).contains("changed while it was read");
    }

    @Test
    void referOrReadRefersToAnImageThatNeedsNoPreparationAfterItsFirstBytes() {
        List<String> before = S3ProxyResource.ranges(BUCKET, "cat-chelsea.png");

        RequestImage image = reader.referOrRead("s3://images/cat-chelsea.png").await().atMost(WAIT);

        assertThat(image).isInstanceOfSatisfying(ImageReference.class, reference -> {
            assertThat(reference.name()).isEqualTo("s3://images/cat-chelsea.png");
            assertThat(reference.bytesRead()).isEqualTo(S3ImageReader.HEAD_BYTES);
            assertThat(reference.asSent().location()).get().extracting(ImageLocation::uri)
                    .isEqualTo("s3://images/cat-chelsea.png");
            assertThat(reference.asSent().sizeBytes()).isEqualTo(S3ProxyResource.sample("cat-chelsea.png").length);
        });
        assertThat(S3ProxyResource.ranges(BUCKET, "cat-chelsea.png")).hasSize(before.size() + 1)
                .last().isEqualTo("bytes=0-65535");
    }

    @Test
    void referOrReadReadsTheRestOfAnImageThatNeedsPreparation() {
        byte[] content = S3ProxyResource.sample("vehicle-rocket.jpg");
        byte[] sideways = TestImageFactory.withExifOrientation(content, 6);

        RequestImage image = reader.referOrRead("s3://images/rocket-sideways.jpg").await().atMost(WAIT);

        assertThat(image).isInstanceOfSatisfying(ImageUpload.class,
                upload -> assertThat(upload.bytes()).isEqualTo(sideways));
    }

    @Test
    void referOrReadReadsSmallAndEmptyObjectsByTheFirstGet() {
        S3ProxyResource.put(BUCKET, "empty.png", new byte[0]);

        assertThat(((ImageUpload) reader.referOrRead("s3://images/text-sign.png").await().atMost(WAIT)).bytes())
                .isEqualTo(S3ProxyResource.sample("text-sign.png"));
        assertThat(((ImageUpload) reader.referOrRead("s3://images/empty.png").await().atMost(WAIT)).bytes()).isEmpty();
        assertThat(S3ProxyResource.ranges(BUCKET, "empty.png")).containsExactly("bytes=0-65535");
    }

    @Test
    void referOrReadRefusesAnObjectOverTheCapAfterItsFirstBytes() {
        List<String> before = S3ProxyResource.ranges(BUCKET, "person-astronaut.png");

        assertProblem(reader.referOrRead("s3://images/person-astronaut.png"), ProblemType.PAYLOAD_TOO_LARGE);

        assertThat(S3ProxyResource.ranges(BUCKET, "person-astronaut.png")).hasSize(before.size() + 1)
                .last().isEqualTo("bytes=0-65535");
    }

    @Test
    void referOrReadFailsAsReadDoes() {
        assertProblem(reader.referOrRead("s3://" + OTHER_BUCKET + "/cat-chelsea.png"), ProblemType.SOURCE_FORBIDDEN);
        assertProblem(reader.referOrRead("s3://images/no-such-image.png"), ProblemType.SOURCE_NOT_FOUND);
        assertProblem(reader.referOrRead("s3://" + MISSING_BUCKET + "/cat-chelsea.png"), ProblemType.SOURCE_NOT_FOUND);
        assertProblem(reader.referOrRead("s3:/images/cat-chelsea.png"), ProblemType.INVALID_REQUEST);
        try (S3AsyncClient client = S3ClientProducer.builder(sources.s3(), DeadlineScheduler.create("s3-deadline", 1))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDWRONG", "not-the-secret")))
                .region(Region.US_EAST_1)
                .build()) {
            S3ImageReader wrongKey = new S3ImageReader(client, sources, images, preparer);

            assertProblem(wrongKey.referOrRead("s3://images/cat-chelsea.png"), ProblemType.SOURCE_ACCESS_DENIED);
        }
    }

    @Test
    void objectReplacedAfterItsFirstBytesWereReadIsNotReadOn() {
        S3ProxyResource.put(BUCKET, CHANGING_AFTER_RANGE_KEY,
                TestImageFactory.withExifOrientation(S3ProxyResource.sample("vehicle-rocket.jpg"), 6));

        ProblemException problem = assertProblem(reader.referOrRead("s3://images/" + CHANGING_AFTER_RANGE_KEY),
                ProblemType.SOURCE_UNREACHABLE);

        assertThat(problem.getMessage()).contains("changed while it was read");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://images/cat-chelsea.png", "s3://images", "s3://images/", "s3://Images/cat.png",
        "s3://images/../other-images/cat-chelsea.png"})
    void malformedUriIsInvalid(String uri) {
        assertProblem(reader.read(uri), ProblemType.INVALID_REQUEST);
    }

    private static ProblemException assertProblem(Uni<?> read, ProblemType type) {
        ProblemException[] thrown = new ProblemException[1];
        assertThatThrownBy(() -> read.await().atMost(WAIT)).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.type()).as("problem for a failure caused by %s", e.getCause()).isEqualTo(type);
            thrown[0] = e;
        });
        return thrown[0];
    }
}
