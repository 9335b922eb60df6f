package dev.visionapi.sources;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.ImagesConfig;
import dev.visionapi.config.SourcesConfig;
import dev.visionapi.image.ImageLocation;
import dev.visionapi.image.ImagePreparer;
import dev.visionapi.image.ImageReference;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.image.RequestImage;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
 * {@code sources.s3.timeout}. For a model that reads images from S3 itself, {@link #referOrRead} reads only the first
 * bytes of an object that can be handed to it as it is stored.
 */
@ApplicationScoped
public class S3ImageReader {

    // The largest array the JVM reliably allocates: an object past it is too large whatever the configured cap.
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /**
     * How much of an object {@link #referOrRead} reads first: the header of nearly every PNG and WebP, and of JPEGs
     * whose metadata before the first scan (EXIF is at most 64 KiB) is not much longer; one that does not fit is
     * read whole, so the figure costs bytes, never correctness.
     */
    static final int HEAD_BYTES = 64 * 1024;

    private final S3AsyncClient client;
    private final Set<String> allowedBuckets;
    private final Duration timeout;
    private final long maxBytes;
    private final Optional<String> bucketOwner;
    private final ImagePreparer preparer;

    S3ImageReader(S3AsyncClient client, SourcesConfig sources, ImagesConfig images, ImagePreparer preparer) {
        this.client = client;
        this.preparer = preparer;
        this.bucketOwner = sources.s3().bucketOwner();
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
                    return getObject(uri, head.eTag(), null, new BoundedBytes((int) length), deadline);
                })
                .onItem().<ImageUpload>transform(bytes -> new S3Image(uri.toString(), bytes))
                .onFailure().transform(failure -> problem(uri, failure));
    }

    /**
     * The image at {@code s3Uri} for a model that reads images from S3 itself. One ranged GET reads the object's
     * first {@value #HEAD_BYTES} bytes and tells its length; when they show that the image would be sent as it is
     * ({@link ImagePreparer#asStored}), it is an {@link ImageReference} to the object and nothing more is read.
     * Otherwise a second GET of that very version (If-Match) reads the rest, and the image is checked and prepared as
     * an upload. An object no longer than the first bytes is read whole at once and sent as its bytes, without its
     * metadata. Fails as {@link #read} does.
     */
    public Uni<RequestImage> referOrRead(String s3Uri) {
        S3Uri uri;
        try {
            uri = allowed(s3Uri);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String name = uri.toString();
        return firstBytes(uri)
                .onItem().transformToUni(head -> {
                    if (head.length() > maxBytes) {
                        throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "The S3 object " + uri + " has "
                                + head.length() + " bytes; at most " + maxBytes + " are accepted");
                    }
                    if (head.bytes().length == head.length()) {
                        return Uni.createFrom().<RequestImage>item(new S3Image(name, head.bytes()));
                    }
                    ImageLocation location = new ImageLocation(name, bucketOwner);
                    // Reading the header is CPU work that would hold up the S3 client's I/O thread, so a worker does it.
                    return Uni.createFrom().item(() -> preparer.asStored(new S3Image(name, head.bytes()), head.length(),
                                    location))
                            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                            .onItem().transformToUni(asStored -> asStored.isPresent()
                                    ? Uni.createFrom().<RequestImage>item(
                                            new ImageReference(name, asStored.get(), head.bytes().length))
                                    : getObject(uri, head.eTag(), "bytes=" + head.bytes().length + "-",
                                            new BoundedBytes(head.bytes(), (int) head.length()), deadline)
                                            .map(bytes -> new S3Image(name, bytes)));
                })
                .onFailure().transform(failure -> problem(uri, failure));
    }

    /** A ranged GET of the object's first bytes; an empty object, which has no first byte to range over, has none. */
    private Uni<LeadingBytes.Head> firstBytes(S3Uri uri) {
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key())
                .range("bytes=0-" + (HEAD_BYTES - 1))
                .overrideConfiguration(call -> call.apiCallTimeout(timeout));
        bucketOwner.ifPresent(get::expectedBucketOwner);
        return Uni.createFrom().completionStage(() -> client.getObject(get.build(), new LeadingBytes(HEAD_BYTES)))
                .onFailure(failure -> unwrap(failure) instanceof S3Exception s3 && s3.statusCode() == 416)
                .recoverWithItem(new LeadingBytes.Head(new byte[0], 0, null));
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
                .key(uri.key()).expectedBucketOwner(bucketOwner.orElse(null))
                .overrideConfiguration(call -> call.apiCallTimeout(timeout))));
    }

    private static long length(S3Uri uri, HeadObjectResponse head) {
        if (head.contentLength() == null) {
            throw new ProblemException(ProblemType.SOURCE_UNREACHABLE, "S3 did not announce the length of " + uri);
        }
        return head.contentLength();
    }

    /**
     * GetObject of one version of the object ({@code eTag}, when known), or of a {@code range} of it (null: all of
     * it), into {@code body}, in the time left until the deadline.
     */
    private Uni<byte[]> getObject(S3Uri uri, String eTag, String range, BoundedBytes body, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return Uni.createFrom().failure(timedOut());
        }
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).range(range)
                .overrideConfiguration(call -> call.apiCallTimeout(Duration.ofNanos(remaining)));
        bucketOwner.ifPresent(get::expectedBucketOwner);
        if (eTag != null) {
            get.ifMatch(eTag); // the version whose length was checked, not one replaced since
        }
        return Uni.createFrom().completionStage(() -> client.getObject(get.build(), body));
    }

    /** The problem a failed read answers with; its cause is kept for the log, never shown to the client. */
    private ProblemException problem(S3Uri uri, Throwable failure) {
        Throwable error = unwrap(failure);
        if (error instanceof ProblemException problem) {
            return problem;
        }
        if (error instanceof LeadingBytes.LengthUnknown) {
            return new ProblemException(ProblemType.SOURCE_UNREACHABLE, "S3 did not tell the length of " + uri, null,
                    error);
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
            if (cause instanceof ProblemException || cause instanceof BoundedBytes.LengthMismatch
                    || cause instanceof LeadingBytes.LengthUnknown) {
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
