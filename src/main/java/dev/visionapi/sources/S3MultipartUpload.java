package dev.visionapi.sources;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One object written to S3 as a multipart upload, streaming: appended bytes are buffered and sent as a part whenever
 * the buffer reaches {@code partBytes}, so an object of any size holds at most one part in memory. Each request has
 * {@code deadline}, retries included. Not thread-safe: append one chunk at a time, waiting for each.
 */
public final class S3MultipartUpload {

    /** S3's parts are at least 5 MiB (but the last); larger parts mean fewer requests. */
    public static final int PART_BYTES = 8 * 1024 * 1024;

    private final S3AsyncClient s3;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final int partBytes;
    private final Duration deadline;
    private final List<CompletedPart> parts = new ArrayList<>();
    private ByteArrayOutputStream buffer;
    private long bytes;

    private S3MultipartUpload(S3AsyncClient s3, String bucket, String key, String uploadId, int partBytes,
            Duration deadline) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.uploadId = uploadId;
        this.partBytes = partBytes;
        this.deadline = deadline;
        this.buffer = new ByteArrayOutputStream(partBytes);
    }

    /** Begins the upload of {@code s3://bucket/key}. */
    public static Uni<S3MultipartUpload> open(S3AsyncClient s3, String bucket, String key, String contentType,
            int partBytes, Duration deadline) {
        return Uni.createFrom().completionStage(() -> s3.createMultipartUpload(create -> create.bucket(bucket)
                        .key(key).contentType(contentType)
                        .overrideConfiguration(call -> call.apiCallTimeout(deadline))))
                .map(created -> new S3MultipartUpload(s3, bucket, key, created.uploadId(), partBytes, deadline));
    }

    public String bucket() {
        return bucket;
    }

    public String key() {
        return key;
    }

    /** Bytes appended so far. */
    public long bytes() {
        return bytes;
    }

    /** Appends bytes; sends the buffer as a part when it is full. */
    public Uni<Void> append(byte[] content) {
        buffer.write(content, 0, content.length);
        bytes += content.length;
        return buffer.size() >= partBytes ? sendPart() : Uni.createFrom().voidItem();
    }

    /** Sends what is left and completes the upload: the object exists from now on. */
    public Uni<Void> complete() {
        Uni<Void> last = buffer.size() > 0 || parts.isEmpty() ? sendPart() : Uni.createFrom().voidItem();
        return last.chain(() -> Uni.createFrom().completionStage(() -> s3.completeMultipartUpload(complete -> complete
                        .bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(upload -> upload.parts(parts))
                        .overrideConfiguration(call -> call.apiCallTimeout(deadline)))))
                .replaceWithVoid();
    }

    /** Gives the upload up, so that S3 keeps none of its parts. */
    public Uni<Void> abort() {
        return Uni.createFrom().completionStage(() -> s3.abortMultipartUpload(abort -> abort.bucket(bucket).key(key)
                        .uploadId(uploadId).overrideConfiguration(call -> call.apiCallTimeout(deadline))))
                .replaceWithVoid();
    }

    private Uni<Void> sendPart() {
        int number = parts.size() + 1;
        byte[] part = buffer.toByteArray();
        buffer = new ByteArrayOutputStream(partBytes);
        return Uni.createFrom().completionStage(() -> s3.uploadPart(upload -> upload.bucket(bucket).key(key)
                        .uploadId(uploadId).partNumber(number).contentLength((long) part.length)
                        .overrideConfiguration(call -> call.apiCallTimeout(deadline)),
                        AsyncRequestBody.fromBytesUnsafe(part)))
                .invoke(uploaded -> parts.add(CompletedPart.builder().partNumber(number).eTag(uploaded.eTag()).build()))
                .replaceWithVoid();
    }
}
