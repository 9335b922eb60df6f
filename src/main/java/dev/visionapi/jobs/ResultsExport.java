package dev.visionapi.jobs;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.sources.S3MultipartUpload;
import dev.visionapi.sources.S3ObjectWriter;
import dev.visionapi.sources.S3PrefixListing;
import dev.visionapi.sources.S3Uri;
import io.smallrye.mutiny.Uni;

/**
 * Writes a job's results file, {@code {jobId}.jsonl} under its {@code output.s3Prefix}, when the job ends: streamed
 * page by page into a multipart upload, so that memory holds one page of results and one part, whatever the job's size.
 */
@ApplicationScoped
class ResultsExport {

    private static final Logger LOG = Logger.getLogger(ResultsExport.class);
    private static final int PAGE = 1_000;

    private final JobStore store;
    private final ResultLines lines;
    private final S3ObjectWriter writer;
    private final S3PrefixListing buckets;

    ResultsExport(JobStore store, ResultLines lines, S3ObjectWriter writer, S3PrefixListing buckets) {
        this.store = store;
        this.lines = lines;
        this.writer = writer;
        this.buckets = buckets;
    }

    /** Writes the file if the job asked for one; a failure is logged, never passed on. */
    Uni<Void> write(UUID jobId) {
        return store.outputOf(jobId).chain(output -> {
            if (output.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            S3Uri prefix = buckets.allowed(output.get(), "output.s3Prefix");
            return writer.open(prefix, jobId + ".jsonl", ResultLines.MEDIA_TYPE)
                    .chain(upload -> page(jobId, -1, upload).chain(upload::complete)
                            .onFailure().call(() -> upload.abort().onFailure().recoverWithNull()))
                    .invoke(() -> LOG.infof("Job %s: results written to %s%s.jsonl", jobId, prefix, jobId));
        }).onFailure().recoverWithUni(failure -> {
            LOG.warnf("Job %s: the results file could not be written: %s", jobId, failure.toString());
            return Uni.createFrom().voidItem();
        });
    }

    /** Appends the results after index {@code after}, a page at a time. */
    private Uni<Void> page(UUID jobId, int after, S3MultipartUpload upload) {
        return store.results(jobId, after, PAGE).chain(results -> {
            if (results.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            StringBuilder text = new StringBuilder();
            lines.append(text, results);
            return upload.append(text.toString().getBytes(StandardCharsets.UTF_8))
                    .chain(() -> results.size() < PAGE ? Uni.createFrom().voidItem()
                            : page(jobId, results.get(results.size() - 1).index(), upload));
        });
    }
}
