package dev.visionapi.jobs;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.usage.TokenCounts;
import dev.visionapi.usage.UsageLedger;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every SQL statement of jobs, each with a deadline. Items are claimed with {@code FOR UPDATE SKIP LOCKED} and a
 * lease, so that replicas never take the same item at once and a dead replica's items are taken again; a result is
 * inserted once per item ({@code ON CONFLICT DO NOTHING}), however often the item was taken.
 */
@ApplicationScoped
public class JobStore {

    /** Deadline of one statement (or transaction), pool wait included. */
    static final Duration DEADLINE = Duration.ofSeconds(30);
    // Items per INSERT: one round trip per chunk, not per row, with arrays of a few hundred kilobytes.
    private static final int INSERT_CHUNK = 10_000;
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(JobStore.class);

    private static final String JOB_COLUMNS = """
            j.id, j.status, j.engine, j.model, j.request, j.total, j.created_at, j.started_at, j.finished_at, j.problem,
            c.succeeded, c.failed, c.input_tokens, c.output_tokens, c.cache_read_tokens, c.cache_write_tokens, c.cost
            """;
    // Counts and usage derived from the results, so they are never out of step with them.
    private static final String JOB_COUNTS = """
            CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE r.status = 'succeeded') AS succeeded,
                                       count(*) FILTER (WHERE r.status = 'failed') AS failed,
                                       coalesce(sum((r.usage->>'inputTokens')::bigint), 0) AS input_tokens,
                                       coalesce(sum((r.usage->>'outputTokens')::bigint), 0) AS output_tokens,
                                       coalesce(sum((r.usage->>'cacheReadInputTokens')::bigint), 0) AS cache_read_tokens,
                                       coalesce(sum((r.usage->>'cacheWriteInputTokens')::bigint), 0) AS cache_write_tokens,
                                       sum((r.usage->>'estimatedCostUsd')::numeric) AS cost
                                FROM job_results r WHERE r.job_id = j.id) c
            """;

    private final JobDatabase database;
    private final ObjectMapper json;
    @Inject
    UsageLedger usage;

    JobStore(JobDatabase database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /** Inserts the job and its items in one transaction. */
    Uni<Void> insert(UUID id, String owner, Engine engine, String model, JobSpec spec, List<String> sources) {
        Object request = jsonb(write(spec));
        return timed(pool().withTransaction(connection -> {
            Uni<?> done = connection.preparedQuery("""
                    INSERT INTO jobs (id, owner_key, status, engine, model, request, total)
                    VALUES ($1, $2, 'queued', $3, $4, $5::jsonb, $6)""")
                    .execute(Tuple.of(id, owner, engine.wire(), model, request, sources.size()));
            for (int from = 0; from < sources.size(); from += INSERT_CHUNK) {
                int start = from;
                String[] chunk = sources.subList(from, Math.min(sources.size(), from + INSERT_CHUNK))
                        .toArray(String[]::new);
                done = done.chain(() -> connection.preparedQuery("""
                        INSERT INTO job_items (job_id, idx, source)
                        SELECT $1, $2 + t.ord - 1, t.source FROM unnest($3::text[]) WITH ORDINALITY AS t(source, ord)""")
                        .execute(Tuple.of(id, start, chunk)));
            }
            return done.replaceWithVoid();
        }));
    }

    /** The job, if it exists and belongs to {@code owner} (null: keys are off). */
    Uni<Optional<Job>> find(UUID id, String owner) {
        return timed(pool().preparedQuery("SELECT " + JOB_COLUMNS + " FROM jobs j " + JOB_COUNTS
                + " WHERE j.id = $1 AND j.owner_key IS NOT DISTINCT FROM $2")
                .execute(Tuple.of(id, owner)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(job(rows.iterator().next())));
    }

    /** {@code owner}'s jobs, newest first, after {@code cursor} (from an earlier page) when given. */
    Uni<JobPage> list(String owner, int limit, String cursor) {
        Tuple parameters = Tuple.of(owner, limit + 1);
        String after = "";
        if (cursor != null && !cursor.isBlank()) {
            Cursor position = Cursor.parse(cursor);
            parameters.addValue(position.createdAt()).addValue(position.id());
            after = " AND (j.created_at, j.id) < ($3, $4)";
        }
        return timed(pool().preparedQuery("SELECT " + JOB_COLUMNS + " FROM jobs j " + JOB_COUNTS
                + " WHERE j.owner_key IS NOT DISTINCT FROM $1" + after
                + " ORDER BY j.created_at DESC, j.id DESC LIMIT $2").execute(parameters))
                .map(rows -> {
                    List<Job> jobs = new ArrayList<>();
                    rows.forEach(row -> jobs.add(job(row)));
                    if (jobs.size() <= limit) {
                        return new JobPage(jobs, null);
                    }
                    Job last = jobs.get(limit - 1);
                    return new JobPage(jobs.subList(0, limit), new Cursor(last.createdAt(), last.id()).encode());
                });
    }

    /**
     * Cancels the job unless it has ended: its pending items are not run (those running finish), and the rest of its
     * prefix is not listed (a lister's next page finds it no longer queued). True when this call cancelled it.
     */
    Uni<Boolean> cancel(UUID id, String owner) {
        return timed(pool().withTransaction(connection -> connection.preparedQuery("""
                UPDATE jobs SET status = 'cancelled', finished_at = now(), listing_prefix = NULL, listing_lease = NULL
                WHERE id = $1 AND owner_key IS NOT DISTINCT FROM $2 AND status IN ('queued', 'running')""")
                .execute(Tuple.of(id, owner))
                .chain(updated -> updated.rowCount() == 0 ? Uni.createFrom().item(false)
                        : connection.preparedQuery(
                                "UPDATE job_items SET status = 'cancelled' WHERE job_id = $1 AND status = 'pending'")
                                .execute(Tuple.of(id)).replaceWith(true))));
    }

    /** Finished items of the job in index order, after index {@code after}. */
    Uni<List<JobResult>> results(UUID id, int after, int limit) {
        return timed(pool().preparedQuery("""
                SELECT r.idx, i.source, r.status, r.text, r.data, r.usage, r.problem
                FROM job_results r JOIN job_items i ON i.job_id = r.job_id AND i.idx = r.idx
                WHERE r.job_id = $1 AND r.idx > $2 ORDER BY r.idx LIMIT $3""")
                .execute(Tuple.of(id, after, limit)))
                .map(rows -> {
                    List<JobResult> results = new ArrayList<>(rows.size());
                    rows.forEach(row -> results.add(new JobResult(row.getInteger("idx"), row.getString("source"),
                            row.getString("status"), row.getString("text"), node(row, "data"), node(row, "usage"),
                            node(row, "problem"))));
                    return results;
                });
    }

    /**
     * Claims up to {@code limit} items of on-demand jobs that are queued or running, and the on-demand items of batch
     * jobs (those of a file too small for a Bedrock job): pending ones, and running ones whose lease has passed. Models
     * in {@code pausedModels} are left alone. The jobs become running.
     */
    Uni<List<ClaimedItem>> claim(int limit, Duration lease, String replica, List<String> pausedModels) {
        String[] paused = pausedModels.toArray(String[]::new);
        // Items where (j.engine = 'on-demand' OR i.on_demand), as two selects: one OR would read every item of the
        // batch jobs at each claim, where the on-demand ones of a batch job come from their own index.
        return timed(pool().withTransaction(connection -> connection.preparedQuery("""
                WITH tail AS (
                    SELECT i.job_id, i.idx FROM job_items i JOIN jobs j ON j.id = i.job_id
                    WHERE i.on_demand AND i.status IN ('pending', 'running')
                      AND (i.status = 'pending' OR i.lease_until < now())
                      AND j.status IN ('queued', 'running') AND j.engine <> 'on-demand'
                      AND NOT (j.model = ANY ($4::text[]))
                    LIMIT $1
                    FOR UPDATE OF i SKIP LOCKED),
                own AS (
                    SELECT i.job_id, i.idx FROM job_items i JOIN jobs j ON j.id = i.job_id
                    WHERE (i.status = 'pending' OR (i.status = 'running' AND i.lease_until < now()))
                      AND j.status IN ('queued', 'running') AND j.engine = 'on-demand'
                      AND NOT (j.model = ANY ($4::text[]))
                    LIMIT $1
                    FOR UPDATE OF i SKIP LOCKED),
                picked AS (SELECT * FROM tail UNION ALL SELECT * FROM own LIMIT $1)
                UPDATE job_items i SET status = 'running', attempts = i.attempts + 1, claimed_by = $3,
                       lease_until = now() + make_interval(secs => $2)
                FROM picked, jobs j
                WHERE i.job_id = picked.job_id AND i.idx = picked.idx AND j.id = i.job_id
                RETURNING i.job_id, i.idx, i.source, i.attempts, j.model, j.request""")
                .execute(Tuple.of(limit, lease.toMillis() / 1000.0, replica, paused))
                .chain(rows -> {
                    List<ClaimedItem> items = new ArrayList<>(rows.size());
                    rows.forEach(row -> items.add(new ClaimedItem(row.getUUID("job_id"), row.getInteger("idx"),
                            row.getString("source"), row.getInteger("attempts"), row.getString("model"),
                            read(row.getJsonObject("request")))));
                    if (items.isEmpty()) {
                        return Uni.createFrom().item(items);
                    }
                    UUID[] jobs = items.stream().map(ClaimedItem::jobId).distinct().toArray(UUID[]::new);
                    return connection.preparedQuery("""
                            UPDATE jobs SET status = 'running', started_at = now()
                            WHERE id = ANY ($1::uuid[]) AND status = 'queued'""")
                            .execute(Tuple.of(jobs)).replaceWith(items);
                })));
    }

    /**
     * Stores the item's result (once: a result already there stays) and marks the item done. A result stored by this
     * call has its usage recorded under the job's owner.
     */
    Uni<Void> finish(ClaimedItem item, JobResult result) {
        return timed(pool().preparedQuery("""
                WITH stored AS (
                    INSERT INTO job_results (job_id, idx, status, text, data, usage, problem)
                    VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb)
                    ON CONFLICT (job_id, idx) DO NOTHING
                    RETURNING job_id),
                done AS (
                    UPDATE job_items SET status = 'done', lease_until = NULL WHERE job_id = $1 AND idx = $2)
                SELECT j.owner_key FROM jobs j JOIN stored s ON s.job_id = j.id""")
                .execute(Tuple.tuple(Arrays.asList(item.jobId(), item.index(), result.status(), result.text(),
                        nullableJson(result.data()), nullableJson(result.usage()), nullableJson(result.problem())))))
                .invoke(stored -> {
                    if (stored.size() > 0 && result.usage() != null) {
                        usage.record(stored.iterator().next().getString("owner_key"), item.model(),
                                TokenCounts.of(result.usage()));
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Gives the item back if this replica still holds it: any replica may take it again. An attempt not
     * {@code counted} (throttling, shutdown) does not bring the item closer to failing.
     */
    Uni<Void> release(ClaimedItem item, String replica, boolean counted) {
        return timed(pool().preparedQuery("""
                UPDATE job_items SET status = 'pending', lease_until = NULL, claimed_by = NULL,
                       attempts = CASE WHEN $4 THEN attempts ELSE greatest(attempts - 1, 0) END
                WHERE job_id = $1 AND idx = $2 AND status = 'running' AND claimed_by = $3""")
                .execute(Tuple.of(item.jobId(), item.index(), replica, counted))).replaceWithVoid();
    }

    /** Gives back every item this replica holds (at shutdown), their attempts not counted. */
    Uni<Integer> releaseAll(String replica) {
        return timed(pool().preparedQuery("""
                UPDATE job_items SET status = 'pending', lease_until = NULL, claimed_by = NULL,
                       attempts = greatest(attempts - 1, 0)
                WHERE status = 'running' AND claimed_by = $1""")
                .execute(Tuple.of(replica))).map(rows -> rows.rowCount());
    }

    /**
     * Marks the job completed when no item is pending or running and, on the batch engine, every Bedrock job's output
     * has been collected; true when this call did. Whoever finishes last (a worker or the batch poller) completes it,
     * once: each stores its own part before it asks.
     */
    Uni<Boolean> completeIfDone(UUID jobId) {
        return timed(pool().preparedQuery("""
                UPDATE jobs SET status = 'completed', finished_at = now()
                WHERE id = $1 AND status = 'running'
                  AND NOT EXISTS (SELECT 1 FROM job_items WHERE job_id = $1 AND status IN ('pending', 'running'))
                  AND NOT EXISTS (SELECT 1 FROM job_batch_parts WHERE job_id = $1 AND NOT collected)""")
                .execute(Tuple.of(jobId))).map(updated -> updated.rowCount() > 0);
    }

    /**
     * Completes the running jobs, on either engine, with no item left pending or running and no Bedrock job left to
     * collect: the replica that finished last stopped between storing its results and {@link #completeIfDone}. Their
     * IDs.
     */
    Uni<List<UUID>> completeStranded() {
        return timed(pool().preparedQuery("""
                UPDATE jobs j SET status = 'completed', finished_at = now()
                WHERE j.status = 'running'
                  AND NOT EXISTS (SELECT 1 FROM job_items i WHERE i.job_id = j.id AND i.status IN ('pending', 'running'))
                  AND NOT EXISTS (SELECT 1 FROM job_batch_parts p WHERE p.job_id = j.id AND NOT p.collected)
                RETURNING j.id""").execute())
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids;
                });
    }

    /** The job's output prefix, if it has one. */
    Uni<Optional<String>> outputOf(UUID jobId) {
        return timed(pool().preparedQuery("SELECT request->>'outputPrefix' AS output FROM jobs WHERE id = $1")
                .execute(Tuple.of(jobId)))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.ofNullable(rows.iterator().next().getString("output")));
    }

    private Pool pool() {
        return database.pool();
    }

    /** The statement within {@link #DEADLINE}; a database that fails or does not answer is a 503. */
    static <T> Uni<T> timed(Uni<T> statement) {
        return statement.ifNoItem().after(DEADLINE).failWith(() -> new ProblemException(ProblemType.JOBS_UNAVAILABLE,
                "The jobs database did not answer within " + DEADLINE.toSeconds() + " s.", RETRY_AFTER, null))
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(failure -> {
                    LOG.warnf("A jobs database statement failed: %s", failure.toString());
                    return new ProblemException(ProblemType.JOBS_UNAVAILABLE, "The jobs database failed; try again.",
                            RETRY_AFTER, failure);
                });
    }

    private Job job(Row row) {
        int total = row.getInteger("total");
        int succeeded = row.getLong("succeeded").intValue();
        int failed = row.getLong("failed").intValue();
        BigDecimal cost = row.getBigDecimal("cost");
        String engine = row.getString("engine");
        JsonObject problem = row.getJsonObject("problem");
        return new Job(row.getUUID("id"), JobStatus.of(row.getString("status")),
                engine == null ? null : Engine.of(engine), row.getString("model"), read(row.getJsonObject("request")),
                new Job.Counts(total, succeeded, failed, total - succeeded - failed),
                new Job.Usage(row.getLong("input_tokens"), row.getLong("output_tokens"), row.getLong("cache_read_tokens"),
                        row.getLong("cache_write_tokens"), cost),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("started_at"),
                row.getOffsetDateTime("finished_at"),
                problem == null ? null : new Job.Problem(problem.getString("type"), problem.getString("title"),
                        problem.getInteger("status"), problem.getString("detail")));
    }

    private JsonNode node(Row row, String column) {
        Object value = row.getValue(column);
        if (value == null) {
            return null;
        }
        try {
            return json.readTree(value.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Column " + column + " holds no JSON", e);
        }
    }

    private JobSpec read(JsonObject request) {
        try {
            return json.readValue(request.encode(), JobSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A job's stored request cannot be read", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot be written as JSON", e);
        }
    }

    /** A JSON value as the client sends it for a jsonb parameter (a Java String would be stored as a JSON string). */
    private Object nullableJson(JsonNode node) {
        return node == null || node.isNull() ? null : jsonb(write(node));
    }

    private static Object jsonb(String text) {
        return Json.decodeValue(text);
    }

    /** A position in a key's job list: the last job of a page. */
    private record Cursor(OffsetDateTime createdAt, UUID id) {

        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((createdAt + "|" + id)
                    .getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String text) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\\|");
                return new Cursor(OffsetDateTime.parse(parts[0]), UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw new ProblemException(ProblemType.INVALID_REQUEST,
                        "'cursor' is not one this service gave out: pass the 'next' of the previous page.");
            }
        }
    }
}
