package dev.visionapi.jobs;

import static dev.visionapi.jobs.JobStore.timed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.jobs.batch.BatchInputFile;
import dev.visionapi.usage.TokenCounts;
import dev.visionapi.usage.UsageLedger;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL of jobs on the bedrock-batch engine: their staged input files ("parts") and the Bedrock jobs that run them,
 * and their items' results, stored once per item ({@code ON CONFLICT DO NOTHING}) however often an output is read.
 */
@ApplicationScoped
class BatchStore {

    /** Submissions that may fail (staging unreachable, say) before the job fails. */
    static final int MAX_SUBMIT_ATTEMPTS = 3;
    /** Deletes of a job's staged files that may fail before they are left to the staging prefix's lifecycle rule. */
    static final int MAX_STAGING_DELETE_FAILURES = 5;

    private final JobDatabase database;
    private final ObjectMapper json;
    @Inject
    UsageLedger usage;

    BatchStore(JobDatabase database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /** A batch job waiting for its input files to be staged. */
    record QueuedJob(UUID id, String model, JobSpec spec) {
    }

    /** An item of a job, by index and source. */
    record Item(int index, String source) {
    }

    /** A part not collected yet, with its job's status, model and request. */
    record Part(UUID jobId, int part, String inputUri, String outputUri, String arn, String status, JobStatus jobStatus,
            String model, JobSpec spec) {

        /** The Bedrock job's name, also its idempotency token: the same for every try of the same part. */
        String jobName() {
            return jobId + "-p%05d".formatted(part);
        }
    }

    Uni<List<QueuedJob>> queued(int limit) {
        return timed(pool().preparedQuery("""
                SELECT id, model, request FROM jobs
                WHERE engine = 'bedrock-batch' AND status = 'queued' ORDER BY created_at LIMIT $1""")
                .execute(Tuple.of(limit)))
                .map(rows -> {
                    List<QueuedJob> jobs = new ArrayList<>();
                    rows.forEach(row -> jobs.add(new QueuedJob(row.getUUID("id"), row.getString("model"),
                            spec(row))));
                    return jobs;
                });
    }

    /** How many of the job's items are pending. */
    Uni<Integer> pendingCount(UUID jobId) {
        return timed(pool().preparedQuery(
                "SELECT count(*) AS n FROM job_items WHERE job_id = $1 AND status = 'pending'")
                .execute(Tuple.of(jobId)))
                .map(rows -> rows.iterator().next().getLong("n").intValue());
    }

    /** Pending items of the job after index {@code after}, in index order. */
    Uni<List<Item>> pending(UUID jobId, int after, int limit) {
        return timed(pool().preparedQuery("""
                SELECT idx, source FROM job_items WHERE job_id = $1 AND idx > $2 AND status = 'pending'
                ORDER BY idx LIMIT $3""")
                .execute(Tuple.of(jobId, after, limit)))
                .map(rows -> {
                    List<Item> items = new ArrayList<>(rows.size());
                    rows.forEach(row -> items.add(new Item(row.getInteger("idx"), row.getString("source"))));
                    return items;
                });
    }

    /**
     * Stores results of items not finished yet (pending, or of a cancelled job), at most one per item, and marks those
     * items done. The usage of the results stored by this call is recorded under the job's owner.
     */
    Uni<Void> store(UUID jobId, List<JobResult> results) {
        int size = results.size();
        Integer[] indexes = new Integer[size];
        String[] statuses = new String[size];
        String[] texts = new String[size];
        String[] data = new String[size];
        String[] usages = new String[size];
        String[] problems = new String[size];
        for (int i = 0; i < size; i++) {
            JobResult result = results.get(i);
            indexes[i] = result.index();
            statuses[i] = result.status();
            texts[i] = result.text();
            data[i] = text(result.data());
            usages[i] = text(result.usage());
            problems[i] = text(result.problem());
        }
        return timed(pool().preparedQuery("""
                WITH given AS (
                    SELECT * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                        AS g(idx, status, text, data, usage, problem)),
                stored AS (
                    INSERT INTO job_results (job_id, idx, status, text, data, usage, problem)
                    SELECT $1, g.idx, g.status, g.text, g.data::jsonb, g.usage::jsonb, g.problem::jsonb
                    FROM given g JOIN job_items i ON i.job_id = $1 AND i.idx = g.idx
                    WHERE i.status IN ('pending', 'cancelled')
                    ON CONFLICT (job_id, idx) DO NOTHING
                    RETURNING usage),
                done AS (
                    UPDATE job_items SET status = 'done'
                    WHERE job_id = $1 AND idx IN (SELECT idx FROM given) AND status IN ('pending', 'cancelled'))
                SELECT j.owner_key, j.model, s.usage FROM stored s JOIN jobs j ON j.id = $1 WHERE s.usage IS NOT NULL""")
                .execute(Tuple.tuple(Arrays.asList(jobId, indexes, statuses, texts, data, usages, problems))))
                .invoke(stored -> stored.forEach(row -> usage.record(row.getString("owner_key"), row.getString("model"),
                        TokenCounts.of(node(row.getValue("usage"))))))
                .replaceWithVoid();
    }

    /**
     * Records the job's staged files as its parts, hands the items of {@code onDemand} to the on-demand workers, and
     * makes the job running, in one transaction; false (nothing recorded) when the job is no longer queued (cancelled
     * meanwhile, or staged by another poller).
     */
    Uni<Boolean> staged(UUID jobId, List<BatchInputFile> files, List<Long> onDemand) {
        Integer[] tail = onDemand.stream().map(Long::intValue).toArray(Integer[]::new);
        return timed(pool().withTransaction(connection -> connection.preparedQuery("""
                UPDATE jobs SET status = 'running', started_at = now() WHERE id = $1 AND status = 'queued'""")
                .execute(Tuple.of(jobId))
                .chain(updated -> {
                    if (updated.rowCount() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    Uni<?> done = tail.length == 0 ? Uni.createFrom().voidItem() : connection.preparedQuery("""
                            UPDATE job_items SET on_demand = true
                            WHERE job_id = $1 AND idx = ANY ($2::int[]) AND status = 'pending'""")
                            .execute(Tuple.of(jobId, tail));
                    for (int i = 0; i < files.size(); i++) {
                        BatchInputFile file = files.get(i);
                        Integer[] indexes = file.indexes().stream().map(Long::intValue).toArray(Integer[]::new);
                        Tuple values = Tuple.of(jobId, i + 1, file.s3Uri(), file.outputS3Uri(), indexes);
                        done = done.chain(() -> connection.preparedQuery("""
                                INSERT INTO job_batch_parts (job_id, part, input_uri, output_uri, indexes)
                                VALUES ($1, $2, $3, $4, $5)""").execute(values));
                    }
                    return done.replaceWith(true);
                })));
    }

    /** Counts a failed submission; true when the job has failed for good (it is then marked failed). */
    Uni<Boolean> submissionFailed(UUID jobId) {
        return timed(pool().preparedQuery("""
                UPDATE jobs SET submit_attempts = submit_attempts + 1,
                       status = CASE WHEN submit_attempts + 1 >= $2 THEN 'failed' ELSE status END,
                       finished_at = CASE WHEN submit_attempts + 1 >= $2 THEN now() ELSE finished_at END
                WHERE id = $1 AND status = 'queued' RETURNING status""")
                .execute(Tuple.of(jobId, MAX_SUBMIT_ATTEMPTS)))
                .map(rows -> rows.size() > 0 && "failed".equals(rows.iterator().next().getString("status")));
    }

    /** Parts whose output has not been collected yet, of jobs in any state. */
    Uni<List<Part>> open(int limit) {
        return timed(pool().preparedQuery("""
                SELECT p.job_id, p.part, p.input_uri, p.output_uri, p.arn, p.status, j.status AS job_status,
                       j.model, j.request
                FROM job_batch_parts p JOIN jobs j ON j.id = p.job_id
                WHERE NOT p.collected ORDER BY j.created_at, p.job_id, p.part LIMIT $1""")
                .execute(Tuple.of(limit)))
                .map(rows -> {
                    List<Part> parts = new ArrayList<>();
                    rows.forEach(row -> parts.add(new Part(row.getUUID("job_id"), row.getInteger("part"),
                            row.getString("input_uri"), row.getString("output_uri"), row.getString("arn"),
                            row.getString("status"), JobStatus.of(row.getString("job_status")), row.getString("model"),
                            spec(row))));
                    return parts;
                });
    }

    /** The items of a part's input file, in the order written. */
    Uni<List<Long>> indexes(Part part) {
        return timed(pool().preparedQuery("SELECT indexes FROM job_batch_parts WHERE job_id = $1 AND part = $2")
                .execute(Tuple.of(part.jobId(), part.part())))
                .map(rows -> Arrays.stream(rows.iterator().next().getArrayOfIntegers("indexes"))
                        .map(Integer::longValue).toList());
    }

    Uni<Void> created(Part part, String arn) {
        return timed(pool().preparedQuery("""
                UPDATE job_batch_parts SET arn = $3, status = 'Submitted', checked_at = now()
                WHERE job_id = $1 AND part = $2 AND arn IS NULL""")
                .execute(Tuple.of(part.jobId(), part.part(), arn))).replaceWithVoid();
    }

    Uni<Void> seen(Part part, String status) {
        return timed(pool().preparedQuery("""
                UPDATE job_batch_parts SET status = $3, checked_at = now() WHERE job_id = $1 AND part = $2""")
                .execute(Tuple.of(part.jobId(), part.part(), status))).replaceWithVoid();
    }

    /** The part's output is stored (or there will be none): it is not followed any more. */
    Uni<Void> collected(Part part, String status) {
        return timed(pool().preparedQuery("""
                UPDATE job_batch_parts SET status = $3, collected = true, checked_at = now(), ended_at = now()
                WHERE job_id = $1 AND part = $2""")
                .execute(Tuple.of(part.jobId(), part.part(), status))).replaceWithVoid();
    }

    /** Whether every part of the job has been collected. */
    Uni<Boolean> allCollected(UUID jobId) {
        return timed(pool().preparedQuery(
                "SELECT NOT EXISTS (SELECT 1 FROM job_batch_parts WHERE job_id = $1 AND NOT collected) AS done")
                .execute(Tuple.of(jobId)))
                .map(rows -> rows.iterator().next().getBoolean("done"));
    }

    /**
     * Batch jobs that have ended (completed, cancelled or failed) with every part collected and whose staged files are
     * still to be deleted (and have not failed to be too often), the longest ended first.
     */
    Uni<List<UUID>> stagingLeft(int limit) {
        return timed(pool().preparedQuery("""
                SELECT j.id FROM jobs j
                WHERE j.engine = 'bedrock-batch' AND NOT j.staging_deleted
                  AND j.status IN ('completed', 'cancelled', 'failed') AND j.staging_delete_failures < $2
                  AND NOT EXISTS (SELECT 1 FROM job_batch_parts p WHERE p.job_id = j.id AND NOT p.collected)
                ORDER BY j.finished_at LIMIT $1""")
                .execute(Tuple.of(limit, MAX_STAGING_DELETE_FAILURES)))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids;
                });
    }

    Uni<Void> stagingDeleted(UUID jobId) {
        return timed(pool().preparedQuery("UPDATE jobs SET staging_deleted = true WHERE id = $1")
                .execute(Tuple.of(jobId))).replaceWithVoid();
    }

    /** Counts a failed delete of the job's staged files; the failures so far. */
    Uni<Integer> stagingDeleteFailed(UUID jobId) {
        return timed(pool().preparedQuery("""
                UPDATE jobs SET staging_delete_failures = staging_delete_failures + 1 WHERE id = $1
                RETURNING staging_delete_failures""")
                .execute(Tuple.of(jobId)))
                .map(rows -> rows.size() == 0 ? MAX_STAGING_DELETE_FAILURES
                        : rows.iterator().next().getInteger("staging_delete_failures"));
    }

    /** The ARNs of the job's Bedrock jobs created so far. */
    Uni<List<String>> arns(UUID jobId) {
        return timed(pool().preparedQuery(
                "SELECT arn FROM job_batch_parts WHERE job_id = $1 AND arn IS NOT NULL ORDER BY part")
                .execute(Tuple.of(jobId)))
                .map(rows -> {
                    List<String> arns = new ArrayList<>();
                    rows.forEach(row -> arns.add(row.getString("arn")));
                    return arns;
                });
    }

    /** Cancels a job whose Bedrock job was stopped elsewhere: its pending items are not run. True when it did. */
    Uni<Boolean> cancel(UUID jobId) {
        return timed(pool().withTransaction(connection -> connection.preparedQuery("""
                UPDATE jobs SET status = 'cancelled', finished_at = now()
                WHERE id = $1 AND status IN ('queued', 'running')""")
                .execute(Tuple.of(jobId))
                .chain(updated -> updated.rowCount() == 0 ? Uni.createFrom().item(false)
                        : connection.preparedQuery(
                                "UPDATE job_items SET status = 'cancelled' WHERE job_id = $1 AND status = 'pending'")
                                .execute(Tuple.of(jobId)).replaceWith(true))));
    }

    private Pool pool() {
        return database.pool();
    }

    private JobSpec spec(Row row) {
        try {
            return json.readValue(row.getJsonObject("request").encode(), JobSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A job's stored request cannot be read", e);
        }
    }

    private JsonNode node(Object value) {
        try {
            return json.readTree(value.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored result's usage holds no JSON", e);
        }
    }

    private String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot be written as JSON", e);
        }
    }
}
