package dev.visionapi.sources;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.SourcesConfig;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Streams objects (jobs' results files) under prefixes of the allowed buckets, with the image sources' S3 client. */
@ApplicationScoped
public class S3ObjectWriter {

    /** Deadline of one request of an upload (a part, its completion), retries included. */
    static final Duration DEADLINE = Duration.ofSeconds(120);

    private final S3AsyncClient client;
    private final S3Buckets buckets;

    S3ObjectWriter(S3AsyncClient client, SourcesConfig sources) {
        this.client = client;
        this.buckets = new S3Buckets(sources);
    }

    /** Begins a multipart upload to {@code prefix} + {@code name}, for content streamed in as it is made. */
    public Uni<S3MultipartUpload> open(S3Uri prefix, String name, String contentType) {
        S3Uri target = new S3Uri(prefix.bucket(), prefix.key() + name);
        buckets.check(target, "output.s3Prefix");
        return S3MultipartUpload.open(client, target.bucket(), target.key(), contentType,
                S3MultipartUpload.PART_BYTES, DEADLINE);
    }
}
