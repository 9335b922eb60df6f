package dev.visionapi.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** How {@code s3://} URIs are parsed, and that S3 is closed until buckets are allowed. */
class S3UriTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "s3://images/cat.png|images|cat.png",
        "s3://my.images-2/photos/2024/cat.png|my.images-2|photos/2024/cat.png",
        // Taken literally: no percent-decoding, and '?' and '#' belong to the key.
        "s3://images/a%20b.png|images|a%20b.png",
        "s3://images/what?.png#1|images|what?.png#1",
        "s3://images/odd keys/100% cat.png|images|odd keys/100% cat.png",
        "s3://images//leading-slash.png|images|/leading-slash.png",
        "s3://images/Bild-ä.png|images|Bild-ä.png"})
    void parsesBucketAndKey(String uri, String bucket, String key) {
        S3Uri parsed = S3Uri.parse(uri);
        assertThat(parsed.bucket()).isEqualTo(bucket);
        assertThat(parsed.key()).isEqualTo(key);
        assertThat(parsed).hasToString(uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "images/cat.png", "https://images/cat.png", "S3://images/cat.png", "s3:/images/cat.png",
        " s3://images/cat.png", "s3://images", "s3://images/", "s3:///cat.png",
        "s3://Images/cat.png", "s3://ab/cat.png", "s3://-images/cat.png", "s3://images-/cat.png",
        "s3://im..ages/cat.png", "s3://im_ages/cat.png", "s3://192.168.1.1/cat.png", "s3://xn--images/cat.png",
        "s3://images-s3alias/cat.png", "s3://images--x-s3/cat.png", "s3://user@images/cat.png",
        "s3://images:443/cat.png",
        "s3://images/../other/cat.png", "s3://images/a/./cat.png", "s3://images/..", "s3://images/a\nb.png",
        "s3://images/a\u0000b.png"})
    void refusesMalformed(String uri) {
        assertThatThrownBy(() -> S3Uri.parse(uri))
                .isInstanceOfSatisfying(ProblemException.class,
                        e -> assertThat(e.type()).isEqualTo(ProblemType.INVALID_REQUEST));
    }

    @Test
    void refusesOverlongBucketAndKey() {
        assertThatThrownBy(() -> S3Uri.parse("s3://" + "b".repeat(64) + "/cat.png"))
                .isInstanceOf(ProblemException.class);
        assertThat(S3Uri.parse("s3://" + "b".repeat(63) + "/" + "k".repeat(1024)).key()).hasSize(1024);
        // 1,024 bytes of UTF-8 at most, not characters.
        assertThatThrownBy(() -> S3Uri.parse("s3://images/" + "ä".repeat(513)))
                .isInstanceOf(ProblemException.class);
    }

    @Test
    void everyS3SourceIsRefusedByDefault() {
        TestConfig config = new TestConfig(Map.of());
        assertThat(config.sources().s3().allowedBuckets()).isEmpty();
        assertThat(config.sources().s3().pathStyle()).isFalse();
        assertThat(config.sources().s3().timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.sources().s3().maxConcurrency()).isEqualTo(256);
        assertThat(config.sources().s3().bucketOwner()).isEmpty();
        try (S3AsyncClient client = S3AsyncClient.builder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
                .build()) {
            // No image preparer: nothing is read, so nothing is judged.
            S3ImageReader reader = new S3ImageReader(client, config.sources(), config.images(), null);
            assertThatThrownBy(() -> reader.read("s3://images/cat.png").await().atMost(Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ProblemException.class,
                            e -> assertThat(e.type()).isEqualTo(ProblemType.SOURCE_FORBIDDEN));
            assertThatThrownBy(() -> reader.referOrRead("s3://images/cat.png").await().atMost(Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ProblemException.class,
                            e -> assertThat(e.type()).isEqualTo(ProblemType.SOURCE_FORBIDDEN));
        }
    }
}
