package dev.visionapi.jobs;

import static dev.visionapi.jobs.JobStore.timed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL of listing jobs' S3 prefixes in the background. A listing is held by a lister through its lease, and every
 * write is guarded by the last key stored ({@code listing_after}) and the job being queued: a page is stored by one
 * lister only, however many list it at once, and nothing is stored for a job cancelled meanwhile.
 */
@ApplicationScoped
class ListingStore {

    private final JobDatabase database;
    private final ObjectMapper json;

    ListingStore(JobDatabase database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /**
     * Where a job's listing stands, as a lister read it.
     *
     * @param after the last key stored, null before the first page
     * @param total the items stored so far
     * @param attempts the failed tries in a row
     * @param requestedEngine the engine as asked ({@code auto} when not)
     */
    record Listing(UUID id, String prefix, String after, int total, int attempts, String model,
            String requestedEngine) {

        /** Where it stands once a page of {@code images} images ending at {@code lastKey} is stored. */
        Listing next(String lastKey, int images) {
            return new Listing(id, prefix, lastKey, total + images, 0, model, requestedEngine);
        }
    }

    /** Queues a job over a prefix, with no item yet and no engine; the job as queued. */
    Uni<Job> queue(UUID id, String owner, String requestedEngine, String model, JobSpec spec, String prefix) {
        return timed(pool().preparedQuery("""
                INSERT INTO jobs (id, owner_key, status, engine, engine_requested, model, request, total, listing_prefix)
                VALUES ($1, $2, 'queued', NULL, $3, $4, $5::jsonb, 0, $6) RETURNING created_at""")
                .execute(Tuple.of(id, owner, requestedEngine, model, Json.decodeValue(write(spec)), prefix)))
                .map(rows -> new Job(id, JobStatus.QUEUED, null, model, spec, new Job.Counts(0, 0, 0, 0),
                        new Job.Usage(0, 0, 0, 0, null), rows.iterator().next().getOffsetDateTime("created_at"), null, null,
                        null));
    }

    /**
     * Takes up to {@code limit} listings that no lister holds (new ones, and those whose lease passed: their replica
     * stopped, or they are waiting out a failed try), for {@code lease}.
     */
    Uni<List<Listing>> take(int limit, Duration lease) {
        return timed(pool().preparedQuery("""
                UPDATE jobs j SET listing_lease = now() + make_interval(secs => $2)
                FROM (SELECT id FROM jobs
                      WHERE listing_prefix IS NOT NULL AND status = 'queued'
                        AND (listing_lease IS NULL OR listing_lease < now())
                      ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED) picked
                WHERE j.id = picked.id
                RETURNING j.id, j.listing_prefix, j.listing_after, j.total, j.listing_attempts, j.model,
                          j.engine_requested""")
                .execute(Tuple.of(limit, seconds(lease))))
                .map(ListingStore::listings);
    }

    /** The job's listing as it stands, if it still has keys to list; held by a lister or not. */
    Uni<Optional<Listing>> find(UUID id) {
        return timed(pool().preparedQuery("""
                SELECT id, listing_prefix, listing_after, total, listing_attempts, model, engine_requested FROM jobs
                WHERE id = $1 AND listing_prefix IS NOT NULL AND status = 'queued'""")
                .execute(Tuple.of(id)))
                .map(rows -> listings(rows).stream().findFirst());
    }

    /**
     * Stores a page: its images as the next items, its last key, and the lease extended by {@code lease}; with an
     * {@code engine}, the page is the last one and the job gets that engine. One transaction; false (nothing stored)
     * when the listing is no longer at {@code at}: another lister stored this page, or the job was cancelled.
     */
    Uni<Boolean> store(Listing at, List<String> images, String lastKey, Engine engine, Duration lease) {
        String chosen = engine == null ? null : engine.wire();
        return timed(pool().withTransaction(connection -> connection.preparedQuery("""
                UPDATE jobs SET total = total + $3, listing_after = coalesce($4, listing_after), listing_attempts = 0,
                       engine = $5,
                       listing_prefix = CASE WHEN $5::text IS NULL THEN listing_prefix END,
                       listing_lease = CASE WHEN $5::text IS NULL THEN now() + make_interval(secs => $6) END
                WHERE id = $1 AND status = 'queued' AND listing_prefix IS NOT NULL
                  AND listing_after IS NOT DISTINCT FROM $2::text
                RETURNING total - $3 AS start""")
                .execute(Tuple.tuple(Arrays.asList(at.id(), at.after(), images.size(), lastKey, chosen,
                        seconds(lease))))
                .chain(updated -> {
                    if (updated.size() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    if (images.isEmpty()) {
                        return Uni.createFrom().item(true);
                    }
                    int start = updated.iterator().next().getInteger("start");
                    return connection.preparedQuery("""
                            INSERT INTO job_items (job_id, idx, source)
                            SELECT $1, $2 + t.ord - 1, t.source FROM unnest($3::text[]) WITH ORDINALITY AS t(source, ord)""")
                            .execute(Tuple.of(at.id(), start, images.toArray(String[]::new))).replaceWith(true);
                })));
    }

    /**
     * Counts a failed try and holds the listing for {@code backoff}, after which any replica tries again; the tries in
     * a row so far, or 0 when the listing is no longer at {@code at}.
     */
    Uni<Integer> tryFailed(Listing at, Duration backoff) {
        return timed(pool().preparedQuery("""
                UPDATE jobs SET listing_attempts = listing_attempts + 1,
                       listing_lease = now() + make_interval(secs => $3)
                WHERE id = $1 AND status = 'queued' AND listing_prefix IS NOT NULL
                  AND listing_after IS NOT DISTINCT FROM $2::text
                RETURNING listing_attempts""")
                .execute(Tuple.tuple(Arrays.asList(at.id(), at.after(), seconds(backoff)))))
                .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger("listing_attempts"));
    }

    /**
     * Fails the job with the problem it could not run for: it ends, and the items listed so far are deleted (a failed
     * job has none, so that nothing shows as pending). One transaction; false when the listing is no longer at
     * {@code at}.
     */
    Uni<Boolean> fail(Listing at, ProblemType type, String detail) {
        JsonObject problem = new JsonObject().put("type", type.uri()).put("title", type.title())
                .put("status", type.status()).put("detail", detail);
        return timed(pool().withTransaction(connection -> connection.preparedQuery("""
                UPDATE jobs SET status = 'failed', problem = $3::jsonb, finished_at = now(), total = 0,
                       listing_prefix = NULL, listing_lease = NULL
                WHERE id = $1 AND status = 'queued' AND listing_prefix IS NOT NULL
                  AND listing_after IS NOT DISTINCT FROM $2::text""")
                .execute(Tuple.tuple(Arrays.asList(at.id(), at.after(), problem)))
                .chain(updated -> updated.rowCount() == 0 ? Uni.createFrom().item(false)
                        : connection.preparedQuery("DELETE FROM job_items WHERE job_id = $1")
                                .execute(Tuple.of(at.id())).replaceWith(true))));
    }

    /** Lets go of the listings (at shutdown): any replica takes them at once. */
    Uni<Void> release(List<UUID> ids) {
        return timed(pool().preparedQuery("""
                UPDATE jobs SET listing_lease = NULL WHERE id = ANY ($1::uuid[]) AND listing_prefix IS NOT NULL""")
                .execute(Tuple.of(ids.toArray(UUID[]::new)))).replaceWithVoid();
    }

    private Pool pool() {
        return database.pool();
    }

    private static List<Listing> listings(RowSet<Row> rows) {
        List<Listing> listings = new ArrayList<>(rows.size());
        rows.forEach(row -> listings.add(new Listing(row.getUUID("id"), row.getString("listing_prefix"),
                row.getString("listing_after"), row.getInteger("total"), row.getInteger("listing_attempts"),
                row.getString("model"), row.getString("engine_requested"))));
        return listings;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new ProblemException(ProblemType.INTERNAL_ERROR, "The job could not be stored.", null, e);
        }
    }
}
