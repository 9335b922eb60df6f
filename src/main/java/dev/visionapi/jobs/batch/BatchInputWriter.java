package dev.visionapi.jobs.batch;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.config.JobsConfig;
import dev.visionapi.sources.S3MultipartUpload;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Writes a job's items as Converse batch records into JSONL files under {@code jobs.batch.staging}, streaming: each
 * file is a multipart upload holding at most one part in memory. The files are balanced ({@link FilePlan}): a file is
 * closed and the next begun when it has its share of the records expected (never more than
 * {@code jobs.batch.max-records-per-job}) or the next record would take it past Bedrock's size limit per input file;
 * each file is the input of one Bedrock batch job, unless it has fewer records than Bedrock's minimum per job.
 */
@ApplicationScoped
public class BatchInputWriter {

    /** Bedrock's quota "batch inference input file size" (1 GB); a little is left for the rounding of quotas. */
    static final long MAX_FILE_BYTES = 1_000_000_000L;

    private final S3AsyncClient s3;
    private final ConverseRecordEncoder encoder;
    private final JobsConfig.Batch config;
    private final long maxFileBytes;
    private final int partBytes;

    @Inject
    BatchInputWriter(S3AsyncClient s3, ObjectMapper json, JobsConfig config) {
        this(s3, json, config.batch(), MAX_FILE_BYTES, S3MultipartUpload.PART_BYTES);
    }

    BatchInputWriter(S3AsyncClient s3, ObjectMapper json, JobsConfig.Batch config, long maxFileBytes, int partBytes) {
        this.s3 = s3;
        this.encoder = new ConverseRecordEncoder(json);
        this.config = config;
        this.maxFileBytes = maxFileBytes;
        this.partBytes = partBytes;
    }

    /**
     * Writes the items, in the order they come, under {@code <staging>/<batchName>/input/}; completes with the files
     * written (at least one when there are items, none when there are none). Items are requested one at a time, so
     * the caller may prepare them lazily; the request may come from an S3 client's I/O thread, so a stream that
     * prepares images must do that work on an executor of its own. On failure the file being written is aborted;
     * files already complete stay.
     *
     * @param batchName unique per job (e.g. the job's ID): it names the staging folder
     * @param expected the records expected (the job's pending items; fewer may come), which the files share evenly
     */
    public Uni<List<BatchInputFile>> write(String batchName, long expected, Multi<BatchItem> items) {
        if (config.staging().isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("jobs.batch.staging is not set"));
        }
        StagingLocation staging = StagingLocation.of(config.staging().get());
        Rolling rolling = new Rolling(staging, batchName, new FilePlan(expected, config.maxRecordsPerJob(),
                config.minRecordsPerJob(), maxFileBytes));
        return items.onItem().transformToUniAndConcatenate(rolling::append)
                .collect().last()
                .chain(rolling::finish)
                .onFailure().call(rolling::abort);
    }

    /** The file being written and those done. */
    private final class Rolling {
        private final StagingLocation staging;
        private final String batchName;
        private final FilePlan plan;
        private final List<BatchInputFile> done = new ArrayList<>();
        private StagedFile current;

        Rolling(StagingLocation staging, String batchName, FilePlan plan) {
            this.staging = staging;
            this.batchName = batchName;
            this.plan = plan;
        }

        Uni<Void> append(BatchItem item) {
            // Base64 of up to 20 images is CPU work: off the S3 client's I/O thread that asked for the item.
            return Uni.createFrom().item(() -> encoder.encode(item))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .chain(line -> append(item.index(), line));
        }

        private Uni<Void> append(long index, byte[] line) {
            if (line.length > maxFileBytes) {
                return Uni.createFrom().failure(new IllegalArgumentException(
                        "Item %d is larger than a batch input file may be".formatted(index)));
            }
            Uni<StagedFile> file;
            if (current == null) {
                file = open();
            } else if (plan.full(current.records(), current.bytes(), line.length)) {
                file = close().chain(this::open);
            } else {
                file = Uni.createFrom().item(current);
            }
            return file.chain(staged -> staged.append(index, line));
        }

        Uni<List<BatchInputFile>> finish() {
            Uni<Void> last = current == null ? Uni.createFrom().voidItem() : close();
            return last.map(ignored -> List.copyOf(done));
        }

        Uni<Void> abort() {
            StagedFile open = current;
            current = null;
            return open == null ? Uni.createFrom().voidItem()
                    : open.abort().onFailure().recoverWithNull().replaceWithVoid();
        }

        private Uni<StagedFile> open() {
            return StagedFile.open(s3, staging.bucket(), staging.inputKey(batchName, done.size() + 1), partBytes)
                    .invoke(opened -> current = opened);
        }

        private Uni<Void> close() {
            StagedFile closing = current;
            return closing.complete(staging.outputUri(batchName)).invoke(file -> {
                done.add(file);
                plan.closed(file.indexes().size(), file.bytes());
                current = null;
            }).replaceWithVoid();
        }
    }
}
