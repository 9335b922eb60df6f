package dev.visionapi.jobs.batch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.JobsConfig;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * A batch's folder under {@code jobs.batch.staging} ({@code <staging>/<batchName>/}: its input files, and the output
 * files and manifests Bedrock wrote beside them), deleted when the batch is over: listed a page of at most 1,000 keys at
 * a time, each page deleted with one DeleteObjects request. Deleting a folder already gone deletes nothing.
 */
@ApplicationScoped
public class StagingFolders {

    /** Deadline of one S3 request (a page listed, or deleted), the SDK's retries included. */
    static final Duration DEADLINE = Duration.ofSeconds(30);
    // S3's most keys per DeleteObjects request, and per page of ListObjectsV2.
    private static final int KEYS_PER_REQUEST = 1_000;

    private final S3AsyncClient s3;
    private final JobsConfig.Batch config;

    StagingFolders(S3AsyncClient s3, JobsConfig config) {
        this.s3 = s3;
        this.config = config.batch();
    }

    /** Deletes every object under the batch's folder; completes with how many there were. */
    public Uni<Integer> delete(String batchName) {
        if (config.staging().isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("jobs.batch.staging is not set"));
        }
        StagingLocation staging = StagingLocation.of(config.staging().get());
        return deletePages(staging.bucket(), staging.prefix() + batchName + "/", null, 0);
    }

    /** Lists the page after {@code token}, deletes its objects, and goes on with the next while there is one. */
    private Uni<Integer> deletePages(String bucket, String folder, String token, int deleted) {
        return timed(() -> s3.listObjectsV2(list -> list.bucket(bucket).prefix(folder).maxKeys(KEYS_PER_REQUEST)
                .continuationToken(token)), "listing s3://" + bucket + "/" + folder)
                .chain(page -> {
                    List<ObjectIdentifier> keys = page.contents().stream()
                            .map(object -> ObjectIdentifier.builder().key(object.key()).build()).toList();
                    Uni<Integer> removed = keys.isEmpty() ? Uni.createFrom().item(0) : deleteAll(bucket, keys);
                    return removed.chain(count -> more(page)
                            ? deletePages(bucket, folder, page.nextContinuationToken(), deleted + count)
                            : Uni.createFrom().item(deleted + count));
                });
    }

    private Uni<Integer> deleteAll(String bucket, List<ObjectIdentifier> keys) {
        return timed(() -> s3.deleteObjects(delete -> delete.bucket(bucket).delete(objects -> objects.objects(keys)
                .quiet(true))), "deleting " + keys.size() + " objects in " + bucket)
                .map(response -> {
                    // DeleteObjects answers 200 when some keys failed: those are in its errors.
                    if (response.hasErrors() && !response.errors().isEmpty()) {
                        S3Error first = response.errors().get(0);
                        throw new IllegalStateException("S3 did not delete %d of %d objects in %s (first: %s %s)"
                                .formatted(response.errors().size(), keys.size(), bucket, first.code(), first.key()));
                    }
                    return keys.size();
                });
    }

    private static boolean more(ListObjectsV2Response page) {
        return Boolean.TRUE.equals(page.isTruncated()) && page.nextContinuationToken() != null;
    }

    private static <T> Uni<T> timed(Supplier<CompletableFuture<T>> request, String what) {
        return Uni.createFrom().completionStage(request)
                .ifNoItem().after(DEADLINE).failWith(() -> new IllegalStateException(
                        "S3 did not answer within %d s (%s)".formatted(DEADLINE.toSeconds(), what)))
                .onFailure(CompletionException.class).transform(Throwable::getCause);
    }
}
