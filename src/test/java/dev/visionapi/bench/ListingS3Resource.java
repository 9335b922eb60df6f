package dev.visionapi.bench;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Properties;
import java.util.concurrent.ConcurrentSkipListSet;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The listing benchmark's S3: S3Proxy with its in-memory ({@code transient}) store and the bucket {@value #BUCKET}.
 * With {@code -Dbench.s3=indexed} its listings are answered from a sorted index of the keys, a page costing what it
 * costs on S3 (the page, not the bucket): S3Proxy's store walks the whole bucket for every page, which then dominates.
 */
public class ListingS3Resource implements QuarkusTestResourceLifecycleManager {

    static final String BUCKET = "bench";
    static final boolean INDEXED = "indexed".equals(System.getProperty("bench.s3"));
    private static final String ETAG = "\"4ae71336e44bf9bf79d2752e234818a5\"";
    private static final IndexedStore STORE = new IndexedStore(BlobStores.create("transient", new Properties()));

    private S3Proxy proxy;

    static void put(String key, byte[] content) {
        STORE.putBlob(PutObjectRequest.builder().bucket(BUCKET).key(key).contentLength((long) content.length).build(),
                new ByteArrayInputStream(content));
    }

    @Override
    public Map<String, String> start() {
        var credentials = BedrockEmulatorResource.CREDENTIALS;
        System.setProperty("aws.accessKeyId", credentials.accessKeyId());
        System.setProperty("aws.secretAccessKey", credentials.secretAccessKey());
        STORE.createContainer(BUCKET);
        proxy = S3Proxy.builder().blobStore(STORE).endpoint(URI.create("http://127.0.0.1:0"))
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
                "sources.s3.path-style", "true", "sources.s3.region", "us-east-1",
                "sources.s3.allowed-buckets", BUCKET);
    }

    @Override
    public void stop() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }

    /** Keeps the keys of {@link #BUCKET} sorted; lists from them when {@link #INDEXED} (no delimiter, no token). */
    private static final class IndexedStore extends ForwardingBlobStore {

        private final NavigableSet<String> keys = new ConcurrentSkipListSet<>();

        IndexedStore(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, java.io.InputStream content) {
            PutObjectResponse response = super.putBlob(request, content);
            if (request.bucket().equals(BUCKET)) {
                keys.add(request.key());
            }
            return response;
        }

        @Override
        public ListObjectsV2Response list(ListObjectsV2Request request) {
            if (!INDEXED || !request.bucket().equals(BUCKET) || request.delimiter() != null
                    || request.continuationToken() != null) {
                return super.list(request);
            }
            String prefix = request.prefix() == null ? "" : request.prefix();
            String after = request.startAfter();
            int max = request.maxKeys() == null ? 1000 : request.maxKeys();
            NavigableSet<String> tail = after != null && after.compareTo(prefix) >= 0 ? keys.tailSet(after, false)
                    : keys.tailSet(prefix, true);
            List<S3Object> contents = new ArrayList<>();
            boolean truncated = false;
            Instant now = Instant.now();
            for (String key : tail) {
                if (!key.startsWith(prefix)) {
                    break;
                }
                if (contents.size() == max) {
                    truncated = true;
                    break;
                }
                contents.add(S3Object.builder().key(key).size(16L).eTag(ETAG).lastModified(now)
                        .storageClass("STANDARD").build());
            }
            return ListObjectsV2Response.builder().name(BUCKET).prefix(prefix).startAfter(after).maxKeys(max)
                    .keyCount(contents.size()).isTruncated(truncated).contents(contents)
                    .nextContinuationToken(truncated ? contents.get(contents.size() - 1).key() : null).build();
        }
    }
}
