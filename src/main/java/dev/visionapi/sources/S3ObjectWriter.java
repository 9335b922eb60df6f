package dev.visionapi.sources;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.SourcesConfig;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Writes objects (jobs' results files) under prefixes of the allowed buckets, with the image sources' S3 client. */
@ApplicationScoped
public class S3ObjectWriter {

    /** Deadline of one PutObject, retries included. */
    static final Duration DEADLINE = Duration.ofSeconds(120);

    private final S3AsyncClient client;
    private final S3Buckets buckets;

    S3ObjectWriter(S3AsyncClient client, SourcesConfig sources) {
        this.client = client;
        this.buckets = new S3Buckets(sources);
    }

    /** Puts {@code content} at {@code prefix} + {@code name}. */
    public Uni<Void> put(S3Uri prefix, String name, byte[] content, String contentType) {
        S3Uri target = new S3Uri(prefix.bucket(), prefix.key() + name);
        buckets.check(target, "output.s3Prefix");
        return Uni.createFrom().completionStage(() -> client.putObject(put -> put.bucket(target.bucket())
                .key(target.key()).contentType(contentType)
                .overrideConfiguration(call -> call.apiCallTimeout(DEADLINE)), AsyncRequestBody.fromBytes(content)))
                .replaceWithVoid();
    }
}
