package dev.visionapi.sources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.SourcesConfig;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The image objects under an S3 prefix of an allowed bucket: every key that ends in an image extension, listed one
 * ListObjectsV2 page at a time from a given key on ({@code StartAfter}), in S3's (lexicographic) order. Resuming from a
 * key, not from a continuation token, lets any replica go on with a listing another one started.
 */
@ApplicationScoped
public class S3PrefixListing {

    /** One page's deadline. */
    static final Duration PAGE_DEADLINE = Duration.ofSeconds(30);
    /** The extensions that make a key an image, as problems name them. */
    public static final String EXTENSIONS = ".png, .jpg, .jpeg, .gif, .webp, .bmp, .tif or .tiff";
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "webp", "bmp", "tif",
            "tiff");

    private final S3AsyncClient client;
    private final S3Buckets buckets;

    S3PrefixListing(S3AsyncClient client, SourcesConfig sources) {
        this.client = client;
        this.buckets = new S3Buckets(sources);
    }

    /**
     * One page of a listing.
     *
     * @param images the URIs of the page's image objects, in key order
     * @param lastKey the page's last key, image or not: where the next page starts; null when the page is empty
     * @param more whether keys are left after it
     */
    public record Page(List<String> images, String lastKey, boolean more) {
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

    /**
     * Up to {@code maxKeys} keys under the prefix after {@code startAfter} (null: from the first), their images kept.
     * Fails with the problem {@code /v1/analyses} answers for such an S3 source: {@code source-not-found} (no such
     * bucket), {@code source-access-denied}, {@code source-unreachable} (5xx, throttling, network) or
     * {@code source-timeout}.
     */
    public Uni<Page> page(S3Uri prefix, String startAfter, int maxKeys) {
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(prefix.bucket()).prefix(prefix.key())
                .startAfter(startAfter).maxKeys(maxKeys)
                .overrideConfiguration(call -> call.apiCallTimeout(PAGE_DEADLINE))
                .build();
        return Uni.createFrom().completionStage(() -> client.listObjectsV2(request))
                .ifNoItem().after(PAGE_DEADLINE.plusSeconds(1)).failWith(() -> timedOut(prefix))
                .onFailure().transform(failure -> problem(prefix, failure))
                .map(response -> {
                    List<String> images = new ArrayList<>();
                    String last = null;
                    for (S3Object object : response.contents()) {
                        last = object.key();
                        if (isImage(object.key())) {
                            images.add("s3://" + prefix.bucket() + "/" + object.key());
                        }
                    }
                    return new Page(List.copyOf(images), last, Boolean.TRUE.equals(response.isTruncated())
                            && last != null);
                });
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
        if (error instanceof ProblemException problem) {
            return problem;
        }
        if (error instanceof ApiCallTimeoutException || error instanceof ApiCallAttemptTimeoutException) {
            return timedOut(prefix);
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

    private static ProblemException timedOut(S3Uri prefix) {
        return new ProblemException(ProblemType.SOURCE_TIMEOUT,
                "S3 did not list a page of " + prefix + " within " + PAGE_DEADLINE.toSeconds() + " s");
    }
}
