package dev.visionapi.jobs.batch;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One input file being written to S3 as a multipart upload: records are appended to a buffer that is sent as a part
 * whenever it reaches {@code partBytes}, so a file of any size holds at most one part (and one record) in memory.
 * Not thread-safe: the writer appends one record at a time.
 */
final class StagedFile {

    private final S3AsyncClient s3;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final int partBytes;
    private final List<CompletedPart> parts = new ArrayList<>();
    private final List<Long> indexes = new ArrayList<>();
    private ByteArrayOutputStream buffer;
    private long bytes;

    private StagedFile(S3AsyncClient s3, String bucket, String key, String uploadId, int partBytes) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.uploadId = uploadId;
        this.partBytes = partBytes;
        this.buffer = new ByteArrayOutputStream(partBytes);
    }

    static Uni<StagedFile> open(S3AsyncClient s3, String bucket, String key, int partBytes) {
        return Uni.createFrom().completionStage(() -> s3.createMultipartUpload(create -> create.bucket(bucket)
                        .key(key).contentType("application/jsonl")))
                .map(created -> new StagedFile(s3, bucket, key, created.uploadId(), partBytes));
    }

    int records() {
        return indexes.size();
    }

    long bytes() {
        return bytes;
    }

    /** Appends one encoded record; sends the buffer as a part when it is full. */
    Uni<Void> append(long index, byte[] line) {
        buffer.write(line, 0, line.length);
        indexes.add(index);
        bytes += line.length;
        return buffer.size() >= partBytes ? sendPart() : Uni.createFrom().voidItem();
    }

    /** Sends what is left and completes the upload. */
    Uni<BatchInputFile> complete(String outputUri) {
        Uni<Void> last = buffer.size() > 0 || parts.isEmpty() ? sendPart() : Uni.createFrom().voidItem();
        return last.chain(() -> Uni.createFrom().completionStage(() -> s3.completeMultipartUpload(complete -> complete
                        .bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(upload -> upload.parts(parts)))))
                .map(done -> new BatchInputFile("s3://" + bucket + "/" + key, outputUri, indexes, bytes));
    }

    /** Gives the upload up, so that S3 keeps none of its parts. */
    Uni<Void> abort() {
        return Uni.createFrom().completionStage(() -> s3.abortMultipartUpload(abort -> abort.bucket(bucket).key(key)
                        .uploadId(uploadId)))
                .replaceWithVoid();
    }

    private Uni<Void> sendPart() {
        int number = parts.size() + 1;
        byte[] part = buffer.toByteArray();
        buffer = new ByteArrayOutputStream(partBytes);
        return Uni.createFrom().completionStage(() -> s3.uploadPart(upload -> upload.bucket(bucket).key(key)
                        .uploadId(uploadId).partNumber(number).contentLength((long) part.length),
                        AsyncRequestBody.fromBytesUnsafe(part)))
                .invoke(uploaded -> parts.add(CompletedPart.builder().partNumber(number).eTag(uploaded.eTag()).build()))
                .replaceWithVoid();
    }
}
