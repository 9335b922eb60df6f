package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ConverseCall;
import dev.visionapi.bedrock.emulator.ReceivedImages;
import dev.visionapi.image.ImageFormat;
import dev.visionapi.image.TestImageFactory;
import dev.visionapi.image.TestImages;
import dev.visionapi.sources.S3ProxyResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/**
 * Images from S3 (S3Proxy, driven by the real S3 async client) in JSON requests and forms: downloaded for most models;
 * for Amazon Nova, which reads images from S3 itself, handed over as an {@code s3Location} when the object's first
 * bytes show it needs no preparation.
 */
@QuarkusTest
@TestProfile(S3AnalysisTest.WithNova.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3AnalysisTest {

    static final String NOVA = "us.amazon.nova-lite-v1:0";
    static final String CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    static final String OWNER = "111122223333";
    private static final String FIRST_BYTES = "bytes=0-65535";
    private static final Pattern S3_BYTES = Pattern.compile("(?m)^source_bytes_total\\{kind=\"s3\"} ([0-9.E]+)$");

    /** Amazon Nova Lite allowed beside a Claude model, and the account the buckets must belong to. */
    public static class WithNova implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("bedrock.models", CLAUDE + "," + NOVA, "sources.s3.bucket-owner", OWNER);
        }
    }

    @BeforeEach
    void reset() {
        bedrock().reset();
    }

    @Test
    void anS3ObjectIsSentLikeAnUpload() {
        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("s3", "s3://images/cat-chelsea.png")), "preset", "caption"))
                .when().post("/v1/analyses")
                .then().statusCode(200).body("images[0].originalSizeBytes", equalTo(TestImages.CAT_PNG.length));

        assertThat(ReceivedImages.of(bedrock().lastCall())).containsExactly(TestImages.CAT_PNG_AS_SENT);
        assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("source_fetch_duration_seconds_count{kind=\"s3\",outcome=\"ok\"}");
    }

    @Test
    void aFormTakesS3UrisAsImageUrls() {
        given().multiPart("imageUrl", "s3://images/cat-chelsea.png").multiPart("preset", "caption")
                .when().post("/v1/analyses")
                .then().statusCode(200);

        assertThat(ReceivedImages.of(bedrock().lastCall())).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void aBucketNotAllowedAndAMissingObjectAreProblems() {
        expectProblem("s3://other-images/cat-chelsea.png", null, 400, "source-forbidden");
        expectProblem("s3://images/no-such-key.png", null, 404, "source-not-found");
        assertThat(bedrock().calls()).isEmpty();
    }

    @Test
    void novaReadsAnImageThatNeedsNoPreparationFromS3Itself() {
        Reads reads = new Reads("cat-chelsea.png");

        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("s3", "s3://images/cat-chelsea.png")), "preset", "caption",
                        "model", NOVA))
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("model", equalTo(NOVA))
                .body("images[0].mediaType", equalTo("image/png"))
                .body("images[0].width", equalTo(451)).body("images[0].height", equalTo(300))
                .body("images[0].sizeBytes", equalTo(TestImages.CAT_PNG.length))
                .body("images[0].resized", equalTo(false))
                .body("images[0].estimatedTokens", equalTo(180));

        ConverseCall call = bedrock().lastCall();
        assertThat(call.modelId()).isEqualTo(NOVA);
        assertThat(call.s3Locations()).containsExactly(
                new JsonObject().put("uri", "s3://images/cat-chelsea.png").put("bucketOwner", OWNER));
        assertThat(call.images().get(0).getString("format")).isEqualTo("png");
        reads.assertSince(List.of(FIRST_BYTES), 0, 65_536);
        assertThat(metrics()).contains("source_fetch_duration_seconds_count{kind=\"s3\",outcome=\"passed_through\"}");
    }

    @Test
    void novaGetsTheBytesOfAnImageThatNeedsPreparation() {
        Reads reads = new Reads("rocket-sideways.jpg");
        int length = TestImageFactory.withExifOrientation(TestImages.ROCKET_JPEG, 6).length;

        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("s3", "s3://images/rocket-sideways.jpg")), "preset", "caption",
                        "model", NOVA))
                .when().post("/v1/analyses")
                .then().statusCode(200)
                .body("images[0].resized", equalTo(true))
                .body("images[0].width", equalTo(427)).body("images[0].height", equalTo(640)) // turned upright
                .body("images[0].originalSizeBytes", equalTo(length));

        ConverseCall call = bedrock().lastCall();
        assertThat(call.s3Locations()).isEmpty();
        assertThat(ReceivedImages.of(call)).singleElement()
                .satisfies(sent -> assertThat(ImageFormat.detect(sent)).contains(ImageFormat.JPEG));
        // The rest read from where the first GET stopped, nothing twice.
        reads.assertSince(List.of(FIRST_BYTES, "bytes=65536-"), 0, length);
    }

    @Test
    void novaGetsTheBytesOfAnObjectTheFirstGetReadWhole() {
        byte[] sign = TestImages.sample("text-sign.png");
        assertThat(sign.length).isLessThan(65_536);
        Reads reads = new Reads("text-sign.png");

        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("s3", "s3://images/text-sign.png")), "preset", "caption",
                        "model", NOVA))
                .when().post("/v1/analyses")
                .then().statusCode(200).body("images[0].resized", equalTo(false));

        assertThat(bedrock().lastCall().s3Locations()).isEmpty();
        assertThat(ReceivedImages.of(bedrock().lastCall())).hasSize(1);
        reads.assertSince(List.of(FIRST_BYTES), 0, sign.length);
    }

    @Test
    void anotherModelGetsTheBytesOfAnImageNovaWouldReadItself() {
        Reads reads = new Reads("cat-chelsea.png");

        given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Map.of("s3", "s3://images/cat-chelsea.png")), "preset", "caption",
                        "model", CLAUDE))
                .when().post("/v1/analyses")
                .then().statusCode(200);

        assertThat(bedrock().lastCall().s3Locations()).isEmpty();
        assertThat(ReceivedImages.of(bedrock().lastCall())).containsExactly(TestImages.CAT_PNG_AS_SENT);
        reads.assertSince(List.of(""), 1, TestImages.CAT_PNG.length); // HeadObject, then the whole object
    }

    @Test
    void aNovaFormAndANovaStreamHandS3ObjectsOverToo() {
        given().multiPart("imageUrl", "s3://images/cat-chelsea.png").multiPart("imageUrl", "s3://images/text-sign.png")
                .multiPart("preset", "caption").multiPart("model", NOVA)
                .when().post("/v1/analyses")
                .then().statusCode(200);
        assertThat(ReceivedImages.s3Uris(bedrock().lastCall())).containsExactly("s3://images/cat-chelsea.png");
        assertThat(bedrock().lastCall().imageCount()).isEqualTo(2);

        String events = given().contentType(ContentType.JSON).accept("text/event-stream")
                .body(Map.of("images", List.of(Map.of("s3", "s3://images/person-astronaut.png")), "preset", "caption",
                        "model", NOVA))
                .when().post("/v1/analyses")
                .then().statusCode(200).contentType(containsString("text/event-stream"))
                .extract().asString();
        assertThat(events).contains("event:done");
        assertThat(ReceivedImages.s3Uris(bedrock().lastCall())).containsExactly("s3://images/person-astronaut.png");
    }

    @Test
    void novaRequestsAreRefusedAsOthersAre() {
        expectProblem("s3://other-images/cat-chelsea.png", NOVA, 400, "source-forbidden");
        expectProblem("s3://images/no-such-key.png", NOVA, 404, "source-not-found");
        expectProblem("s3://missing-images/cat-chelsea.png", NOVA, 404, "source-not-found");
        assertThat(S3ProxyResource.gets("other-images", "cat-chelsea.png")).isZero();
        assertThat(bedrock().calls()).isEmpty();
    }

    private static void expectProblem(String uri, String model, int status, String type) {
        Map<String, Object> body = new HashMap<>(Map.of("images", List.of(Map.of("s3", uri)), "preset", "caption"));
        if (model != null) {
            body.put("model", model);
        }
        given().contentType(ContentType.JSON).body(body)
                .when().post("/v1/analyses")
                .then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("urn:visionapi:problem:" + type));
    }

    private static String metrics() {
        return given().get("/q/metrics").then().extract().asString();
    }

    private static double s3BytesRead() {
        Matcher bytes = S3_BYTES.matcher(metrics());
        return bytes.find() ? Double.parseDouble(bytes.group(1)) : 0;
    }

    /** What S3Proxy and the metrics saw of one object in the bucket {@code images} since this was made. */
    private static final class Reads {

        private final String key;
        private final int ranges;
        private final int heads;
        private final double bytes;

        Reads(String key) {
            this.key = key;
            this.ranges = S3ProxyResource.ranges("images", key).size();
            this.heads = S3ProxyResource.heads("images", key);
            this.bytes = s3BytesRead();
        }

        /** The GETs (their ranges, "" for a whole object), HeadObjects and bytes counted since. */
        void assertSince(List<String> gets, int headObjects, long bytesRead) {
            List<String> all = new ArrayList<>(S3ProxyResource.ranges("images", key));
            assertThat(all.subList(ranges, all.size())).as("GetObject ranges").isEqualTo(gets);
            assertThat(S3ProxyResource.heads("images", key) - heads).as("HeadObjects").isEqualTo(headObjects);
            assertThat(s3BytesRead() - bytes).as("source_bytes_total{kind=\"s3\"}").isEqualTo((double) bytesRead);
        }
    }
}
