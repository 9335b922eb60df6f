package dev.visionapi.sources;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.ImagesConfig;
import dev.visionapi.config.SourcesConfig;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads images from S3 objects named {@code s3://bucket/key}, from the allowed buckets only. The object's length is
 * checked with HeadObject before anything is downloaded; the download then asks for that very version (If-Match on
 * its ETag) and is aborted if it brings more bytes than announced. Both calls share one deadline,
 * {@code sources.s3.timeout}.
 */
@ApplicationScoped
public class S3ImageReader {

    // The largest array the JVM reliably allocates: an object past it is too large whatever the configured cap.
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final S3AsyncClient client;
    private final Set<String> allowedBuckets;
    private final Duration timeout;
    private final long maxBytes;

    S3ImageReader(S3AsyncClient client, SourcesConfig sources, ImagesConfig images) {
        this.client = client;
        this.allowedBuckets = Set.copyOf(sources.s3().allowedBuckets().orElse(List.of()));
        this.timeout = sources.s3().timeout();
        this.maxBytes = Math.min(images.maxFileBytes(), MAX_ARRAY);
    }

    /**
     * The image at {@code s3Uri}. Fails with a {@link ProblemException}: 400 {@code invalid-request} for a malformed
     * URI, 400 {@code source-forbidden} for a bucket not allowed, 404 {@code source-not-found}, 413
     * {@code payload-too-large} (nothing downloaded), 502 {@code source-access-denied} or {@code source-unreachable},
     * 504 {@code source-timeout}.
     */
    public Uni<ImageUpload> read(String s3Uri) {
        S3Uri uri;
        try {
            uri = allowed(s3Uri);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        return headObject(uri)
                .onItem().transformToUni(head -> {
                    long length = length(uri, head);
                    if (length > maxBytes) {
                        throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "The S3 object " + uri + " has "
                                + length + " bytes; at most " + maxBytes + " are accepted");
                    }
                    return getObject(uri, head, (int) length, deadline);
                })
                .onItem().<ImageUpload>transform(bytes -> new S3Image(uri.toString(), bytes))
                .onFailure().transform(failure -> problem(uri, failure));
    }

    private S3Uri allowed(String s3Uri) {
        S3Uri uri = S3Uri.parse(s3Uri);
        if (allowedBuckets.isEmpty()) {
            throw new ProblemException(ProblemType.SOURCE_FORBIDDEN, "Images are not read from S3 by this service");
        }
        if (!allowedBuckets.contains(uri.bucket())) {
            throw new ProblemException(ProblemType.SOURCE_FORBIDDEN,
                    "Images are not read from the S3 bucket '" + uri.bucket() + "'");
        }
        return uri;
    }

    private Uni<HeadObjectResponse> headObject(S3Uri uri) {
        return Uni.createFrom().completionStage(() -> client.headObject(head -> head.bucket(uri.bucket())
                .key(uri.key()).overrideConfiguration(call -> call.apiCallTimeout(timeout))));
    }

    private static long length(S3Uri uri, HeadObjectResponse head) {
        if (head.contentLength() == null) {
            throw new ProblemException(ProblemType.SOURCE_UNREACHABLE, "S3 did not announce the length of " + uri);
        }
        return head.contentLength();
    }

    /** GetObject of the version HeadObject described, in the time left until the deadline. */
    private Uni<byte[]> getObject(S3Uri uri, HeadObjectResponse head, int length, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return Uni.createFrom().failure(timedOut());
        }
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key())
                .overrideConfiguration(call -> call.apiCallTimeout(Duration.ofNanos(remaining)));
        if (head.eTag() != null) {
            get.ifMatch(head.eTag()); // the version whose length was checked, not one replaced since
        }
        return Uni.createFrom().completionStage(() -> client.getObject(get.build(), new BoundedBytes(length)));
    }

    /** The problem a failed read answers with; its cause is kept for the log, never shown to the client. */
    private ProblemException problem(S3Uri uri, Throwable failure) {
        Throwable error = unwrap(failure);
        if (error instanceof ProblemException problem) {
            return problem;
        }
        if (error instanceof BoundedBytes.LengthMismatch) {
            return new ProblemException(ProblemType.SOURCE_UNREACHABLE,
                    "The S3 object " + uri + " changed while it was read", null, error);
        }
        if (error instanceof ApiCallTimeoutException || error instanceof ApiCallAttemptTimeoutException
                || causedByTimeout(error)) {
            return new ProblemException(timedOut().type(), timedOut().getMessage(), null, error);
        }
        if (error instanceof S3Exception s3) {
            return switch (s3.statusCode()) {
                case 404 -> new ProblemException(ProblemType.SOURCE_NOT_FOUND,
                        "The S3 object " + uri + " does not exist", null, error);
                case 403 -> new ProblemException(ProblemType.SOURCE_ACCESS_DENIED,
                        "S3 refused the service access to " + uri, null, error);
                case 412 -> new ProblemException(ProblemType.SOURCE_UNREACHABLE,
                        "The S3 object " + uri + " changed while it was read", null, error);
                default -> new ProblemException(ProblemType.SOURCE_UNREACHABLE,
                        "S3 answered " + uri + " with status " + s3.statusCode() + errorCode(s3), null, error);
            };
        }
        if (error instanceof SdkClientException) {
            return new ProblemException(ProblemType.SOURCE_UNREACHABLE, "S3 could not be reached", null, error);
        }
        return new ProblemException(ProblemType.SOURCE_UNREACHABLE, "S3 could not be read", null, error);
    }

    private ProblemException timedOut() {
        return new ProblemException(ProblemType.SOURCE_TIMEOUT,
                "S3 did not deliver the object within " + timeout.toMillis() + " ms");
    }

    private static String errorCode(S3Exception s3) {
        String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
        return code == null || code.isBlank() ? "" : " (" + code + ")";
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable error = failure;
        while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
            error = error.getCause();
        }
        // The SDK may wrap what the response transformer failed with.
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProblemException || cause instanceof BoundedBytes.LengthMismatch) {
                return cause;
            }
        }
        return error;
    }

    /** Netty's read and write timeouts and the connection pool's wait end the call before the deadline does. */
    private static boolean causedByTimeout(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
