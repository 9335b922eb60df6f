package dev.visionapi.jobs.batch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.analysis.StructuredAnswer;
import dev.visionapi.problem.ProblemType;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import mutiny.zero.flow.adapters.AdaptersToFlow;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Reads the output of an ended Bedrock batch job ({@code <output>/<jobId>/<input file>.out}) as a stream, record by
 * record, and gives one outcome per item of its input file: the records as they come (Bedrock keeps no order; joined by
 * recordId, a repeated one counted once), then a failure for every item the output lacks (a job that failed, was
 * stopped or expired, or a record Bedrock dropped), in index order. Memory holds one line and the set of items not yet
 * seen.
 */
@ApplicationScoped
public class BatchOutputReader {

    private static final Logger LOG = Logger.getLogger(BatchOutputReader.class);
    /** A record echoes its input, images included (up to 20 of 3.75 MB, as base64); longer lines are not records. */
    static final int MAX_LINE_BYTES = 128 * 1024 * 1024;

    private final S3AsyncClient s3;
    private final OutputRecordParser parser;

    @Inject
    BatchOutputReader(S3AsyncClient s3, ObjectMapper json, StructuredAnswer structure) {
        this.s3 = s3;
        this.parser = new OutputRecordParser(json, structure);
    }

    /** The outcome of every item of {@code input}, each exactly once, from the output of {@code job}. */
    public Multi<BatchOutcome> read(BatchJobState job, BatchInputFile input, ExpectedAnswer expected) {
        return Multi.createFrom().deferred(() -> {
            Set<Long> pending = new LinkedHashSet<>(input.indexes());
            LineSplitter lines = new LineSplitter(MAX_LINE_BYTES);
            StagingLocation output = StagingLocation.of(input.outputS3Uri());
            String key = output.prefix() + job.jobId() + "/" + input.fileName() + ".out";
            Multi<byte[]> records = Multi.createBy().concatenating().streams(
                    // Parsing lines of megabytes (the echoed images) is CPU work: off the S3 client's I/O thread.
                    body(output.bucket(), key).onItem().transformToIterable(lines::accept)
                            .emitOn(Infrastructure.getDefaultWorkerPool()),
                    Multi.createFrom().deferred(() -> Multi.createFrom().iterable(lines.rest())));
            Multi<BatchOutcome> answered = records
                    .map(line -> parse(line, expected, key))
                    .filter(outcome -> outcome != null && pending.remove(outcome.index()));
            Multi<BatchOutcome> missing = Multi.createFrom().deferred(() -> Multi.createFrom().iterable(
                    missing(pending, job)));
            return Multi.createBy().concatenating().streams(answered, missing);
        });
    }

    /** The output file's bytes as S3 sends them; nothing when the job wrote no output file. */
    private Multi<ByteBuffer> body(String bucket, String key) {
        return Uni.createFrom().completionStage(() -> s3.getObject(get -> get.bucket(bucket).key(key),
                        AsyncResponseTransformer.toPublisher()))
                .onItem().transformToMulti(publisher -> Multi.createFrom()
                        .publisher(AdaptersToFlow.publisher(publisher)))
                .onFailure(failure -> unwrap(failure) instanceof NoSuchKeyException).recoverWithCompletion();
    }

    private BatchOutcome parse(byte[] line, ExpectedAnswer expected, String key) {
        try {
            BatchOutcome outcome = parser.parse(line, expected);
            if (outcome == null) {
                LOG.warnf("A line of %s holds no record of this service; skipped", key);
            }
            return outcome;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("A line of %s is not a JSON record (%s); skipped", key, e.getMessage());
            return null;
        }
    }

    private static List<BatchOutcome> missing(Set<Long> pending, BatchJobState job) {
        List<BatchOutcome> failed = new ArrayList<>(pending.size());
        String detail = "Bedrock's batch job ended %s without an answer for this item.".formatted(
                job.status().wireName());
        pending.stream().sorted().forEach(index -> failed.add(new BatchOutcome.Failed(index, ProblemType.BEDROCK_FAILED,
                detail)));
        return failed;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
