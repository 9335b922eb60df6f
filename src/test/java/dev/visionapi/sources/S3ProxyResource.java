package dev.visionapi.sources;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImageFactory;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3Proxy in the test JVM on a random loopback port, with an in-memory blob store and SigV4 authentication, holding
 * sample images in the bucket {@value #BUCKET} (allowed) and {@value #OTHER_BUCKET} (not allowed), among them a JPEG
 * to be turned upright ({@code rocket-sideways.jpg}) and one smaller than a first ranged read ({@code text-sign.png}). The service's S3
 * client is pointed at it with path-style addressing; it signs with the credentials the Bedrock emulator's resource
 * puts in the default credentials chain, which S3Proxy checks.
 */
public class S3ProxyResource implements QuarkusTestResourceLifecycleManager {

    public static final String BUCKET = "images";
    static final String OTHER_BUCKET = "other-images";
    /** Allowed, but never created. */
    static final String MISSING_BUCKET = "missing-images";
    /** A key whose HeadObject does not answer until the server stops. */
    static final String STALLING_KEY = "stalls.png";
    /** A key whose object is replaced by a larger one right after each HeadObject has answered. */
    static final String CHANGING_KEY = "changes.png";
    /** A key whose object is replaced by another of the same length right after each ranged GetObject. */
    static final String CHANGING_AFTER_RANGE_KEY = "changes-after-range.jpg";
    /** A key whose HeadObject fails inside S3Proxy: it answers 500. */
    static final String FAILING_KEY = "fails.png";
    /** A prefix whose listings (ListObjectsV2) fail inside S3Proxy: it answers 500. */
    public static final String FAILING_PREFIX = "fails-listing/";

    private static final ObservedBlobStore STORE = new ObservedBlobStore(BlobStores.create("transient", new Properties()));

    private S3Proxy proxy;

    /** GetObject requests S3Proxy has received for the object. */
    public static int gets(String bucket, String key) {
        return STORE.gets.getOrDefault(bucket + "/" + key, new AtomicInteger()).get();
    }

    /** The Range of each GetObject request S3Proxy has received for the object, in order; "" for none. */
    public static List<String> ranges(String bucket, String key) {
        return List.copyOf(STORE.ranges.getOrDefault(bucket + "/" + key, new CopyOnWriteArrayList<>()));
    }

    /** ListObjectsV2 requests S3Proxy has received for the bucket and prefix. */
    public static int listings(String bucket, String prefix) {
        return STORE.listings.getOrDefault(bucket + "/" + prefix, new AtomicInteger()).get();
    }

    /** HeadObject requests S3Proxy has received for the object. */
    public static int heads(String bucket, String key) {
        return STORE.heads.getOrDefault(bucket + "/" + key, new AtomicInteger()).get();
    }

    /** The object's content, or null when there is none. */
    public static byte[] get(String bucket, String key) {
        try (InputStream in = STORE.getBlob(GetObjectRequest.builder().bucket(bucket).key(key).build())) {
            return in == null ? null : in.readAllBytes();
        } catch (S3Exception e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts an object; also for objects a test makes up. */
    public static void put(String bucket, String key, byte[] content) {
        STORE.putBlob(PutObjectRequest.builder().bucket(bucket).key(key).contentLength((long) content.length).build(),
                new ByteArrayInputStream(content));
    }

    public static byte[] sample(String file) {
        try (InputStream in = S3ProxyResource.class.getResourceAsStream("/samples/" + file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        var credentials = BedrockEmulatorResource.CREDENTIALS;
        // The same credentials as the Bedrock emulator's, whichever resource starts first.
        System.setProperty("aws.accessKeyId", credentials.accessKeyId());
        System.setProperty("aws.secretAccessKey", credentials.secretAccessKey());
        STORE.createContainer(BUCKET);
        STORE.createContainer(OTHER_BUCKET);
        put(BUCKET, "cat-chelsea.png", sample("cat-chelsea.png"));
        put(BUCKET, "odd keys/100% cat?.png", sample("cat-chelsea.png"));
        put(BUCKET, "person-astronaut.png", sample("person-astronaut.png"));
        put(BUCKET, "rocket-sideways.jpg", TestImageFactory.withExifOrientation(sample("vehicle-rocket.jpg"), 6));
        put(BUCKET, "text-sign.png", sample("text-sign.png"));
        put(OTHER_BUCKET, "cat-chelsea.png", sample("cat-chelsea.png"));
        proxy = S3Proxy.builder()
                .blobStore(STORE)
                .endpoint(URI.create("http://127.0.0.1:0"))
                // S3Proxy refuses headers it does not know, x-amz-expected-bucket-owner among them, which it cannot
                // check anyway: it has no accounts.
                .ignoreUnknownHeaders(true)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKeyId(),
                        credentials.secretAccessKey())
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        return Map.of("sources.s3.endpoint-override", "http://127.0.0.1:" + proxy.getPort(),
                "sources.s3.path-style", "true",
                "sources.s3.region", "us-east-1",
                "sources.s3.allowed-buckets", BUCKET + "," + MISSING_BUCKET);
    }

    @Override
    public void stop() {
        STORE.release.countDown();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }

    /**
     * Counts the requests per object (and the listings per prefix), fails the listings of {@link #FAILING_PREFIX},
     * holds HeadObject of {@link #STALLING_KEY} until released, fails it for
     * {@link #FAILING_KEY}, and replaces {@link #CHANGING_KEY} behind each HeadObject and
     * {@link #CHANGING_AFTER_RANGE_KEY} behind each ranged GetObject.
     */
    private static final class ObservedBlobStore extends ForwardingBlobStore {

        final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> heads = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> listings = new ConcurrentHashMap<>();
        final Map<String, List<String>> ranges = new ConcurrentHashMap<>();
        final CountDownLatch release = new CountDownLatch(1);

        ObservedBlobStore(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public ListObjectsV2Response list(ListObjectsV2Request request) {
            String prefix = request.prefix() == null ? "" : request.prefix();
            listings.computeIfAbsent(request.bucket() + "/" + prefix, k -> new AtomicInteger()).incrementAndGet();
            if (prefix.startsWith(FAILING_PREFIX)) {
                throw S3Exception.builder().statusCode(500).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("InternalError").errorMessage("The store fails").build()).build();
            }
            return super.list(request);
        }

        @Override
        public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
            heads.computeIfAbsent(request.bucket() + "/" + request.key(), k -> new AtomicInteger()).incrementAndGet();
            if (request.key().equals(FAILING_KEY)) {
                throw S3Exception.builder().statusCode(500).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("InternalError").errorMessage("The store fails").build()).build();
            }
            if (request.key().equals(STALLING_KEY)) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            HeadObjectResponse head = super.blobMetadata(request);
            if (request.key().equals(CHANGING_KEY)) {
                byte[] larger = new byte[Math.toIntExact(head.contentLength()) + 1];
                put(request.bucket(), request.key(), larger);
            }
            return head;
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
            gets.computeIfAbsent(request.bucket() + "/" + request.key(), k -> new AtomicInteger()).incrementAndGet();
            ranges.computeIfAbsent(request.bucket() + "/" + request.key(), k -> new CopyOnWriteArrayList<>())
                    .add(request.range() == null ? "" : request.range());
            ResponseInputStream<GetObjectResponse> blob = super.getBlob(request);
            if (request.key().equals(CHANGING_AFTER_RANGE_KEY) && request.range() != null) {
                long length = super.blobMetadata(HeadObjectRequest.builder().bucket(request.bucket())
                        .key(request.key()).build()).contentLength();
                put(request.bucket(), request.key(), new byte[Math.toIntExact(length)]);
            }
            return blob;
        }
    }
}
