package dev.visionapi.sources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.SourcesConfig;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The image objects under an S3 prefix of an allowed bucket: every key that ends in an image extension, listed page
 * by page with ListObjectsV2, in S3's (lexicographic) order. A prefix holding more than the limit is refused without
 * listing the rest.
 */
@ApplicationScoped
public class S3PrefixListing {

    /** The whole listing's deadline, every page included. */
    static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "webp", "bmp", "tif",
            "tiff");

    private final S3AsyncClient client;
    private final S3Buckets buckets;

    S3PrefixListing(S3AsyncClient client, SourcesConfig sources) {
        this.client = client;
        this.buckets = new S3Buckets(sources);
    }

    /**
     * Parses {@code s3://bucket/prefix/} or an object URI (an empty prefix is the whole bucket) and checks that the bucket is allowed;
     * {@code field} names the value in problems.
     */
    public S3Uri allowed(String uri, String field) {
        S3Uri parsed;
        try {
            parsed = wholeBucket(uri) ? new S3Uri(uri.substring(5, uri.length() - 1), "") : S3Uri.parse(uri);
        } catch (ProblemException e) {
            throw new ProblemException(e.type(), "'" + field + "': " + e.getMessage());
        }
        buckets.check(parsed, field);
        return parsed;
    }

    /** The image objects' URIs under the prefix; 400 when there are more than {@code max}. */
    public Uni<List<String>> list(S3Uri prefix, int max) {
        List<String> keys = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(prefix.bucket()).prefix(prefix.key())
                .build();
        return Uni.createFrom().completionStage(() -> {
            CompletableFuture<Void> listing = client.listObjectsV2Paginator(request).subscribe(page -> {
                for (S3Object object : page.contents()) {
                    if (isImage(object.key())) {
                        if (keys.size() == max) {
                            throw new TooMany(max);
                        }
                        keys.add("s3://" + prefix.bucket() + "/" + object.key());
                    }
                }
            });
            return listing.thenApply(done -> List.copyOf(keys));
        }).ifNoItem().after(DEADLINE).failWith(() -> new ProblemException(ProblemType.SOURCE_TIMEOUT,
                "S3 did not list " + prefix + " within " + DEADLINE.toSeconds() + " s"))
                .onFailure().transform(failure -> problem(prefix, failure));
    }

    private static boolean wholeBucket(String uri) {
        return uri != null && uri.matches("s3://[^/]+/") && S3Uri.validBucket(uri.substring(5, uri.length() - 1));
    }

    static boolean isImage(String key) {
        int dot = key.lastIndexOf('.');
        return dot >= 0 && !key.endsWith("/")
                && IMAGE_EXTENSIONS.contains(key.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static ProblemException problem(S3Uri prefix, Throwable failure) {
        Throwable error = failure;
        while (error instanceof CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof TooMany tooMany) {
                return new ProblemException(ProblemType.INVALID_REQUEST, "'source.s3Prefix': " + prefix
                        + " holds more than " + tooMany.max + " images, the most one job may have (jobs.max-items).");
            }
            if (cause instanceof ProblemException problem) {
                return problem;
            }
        }
        if (error instanceof S3Exception s3) {
            return switch (s3.statusCode()) {
                case 404 -> new ProblemException(ProblemType.SOURCE_NOT_FOUND,
                        "The S3 bucket of " + prefix + " does not exist", null, error);
                case 403 -> new ProblemException(ProblemType.SOURCE_ACCESS_DENIED,
                        "S3 refused the service the listing of " + prefix, null, error);
                default -> new ProblemException(ProblemType.SOURCE_UNREACHABLE,
                        "S3 answered the listing of " + prefix + " with status " + s3.statusCode(), null, error);
            };
        }
        return new ProblemException(ProblemType.SOURCE_UNREACHABLE, "S3 could not list " + prefix, null, error);
    }

    /** More image objects than a job may have: ends the listing. */
    private static final class TooMany extends RuntimeException {

        final int max;

        TooMany(int max) {
            super(null, null, false, false);
            this.max = max;
        }
    }
}
