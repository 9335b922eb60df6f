package dev.visionapi.jobs.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.visionapi.sources.S3MultipartUpload;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * One input file being written to S3 as a multipart upload, with the items of its records: a file of any size holds
 * at most one part (and one record) in memory. Not thread-safe: the writer appends one record at a time.
 */
final class StagedFile {

    /** Deadline of one S3 request of the upload, retries included. */
    static final Duration DEADLINE = Duration.ofSeconds(120);

    private final S3MultipartUpload upload;
    private final List<Long> indexes = new ArrayList<>();

    private StagedFile(S3MultipartUpload upload) {
        this.upload = upload;
    }

    static Uni<StagedFile> open(S3AsyncClient s3, String bucket, String key, int partBytes) {
        return S3MultipartUpload.open(s3, bucket, key, "application/jsonl", partBytes, DEADLINE).map(StagedFile::new);
    }

    int records() {
        return indexes.size();
    }

    long bytes() {
        return upload.bytes();
    }

    /** Appends one encoded record; sends a part when the buffer is full. */
    Uni<Void> append(long index, byte[] line) {
        indexes.add(index);
        return upload.append(line);
    }

    /** Sends what is left and completes the upload. */
    Uni<BatchInputFile> complete(String outputUri) {
        return upload.complete().map(done -> new BatchInputFile("s3://" + upload.bucket() + "/" + upload.key(),
                outputUri, indexes, upload.bytes()));
    }

    /** Gives the upload up, so that S3 keeps none of its parts. */
    Uni<Void> abort() {
        return upload.abort();
    }
}
