package dev.visionapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.visionapi.bedrock.emulator.BedrockEmulator;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ScriptedBedrock;
import io.vertx.core.Vertx;

/**
 * On-demand jobs survive what happens to real deployments, with packaged service processes, one real PostgreSQL and
 * the Bedrock emulator over HTTP: a replica killed with SIGKILL halfway, the database stopped and started again
 * mid-job, a replica stopped with SIGTERM. Each time the job completes with exactly one result per item. The tests
 * run in order: the replica that survives the first serves the other two.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobsFailoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SIGKILL_STATUS = 128 + 9;
    private static final int SIGTERM_STATUS = 128 + 15;

    // Replicas with a short lease, so that a killed replica's items are taken again within seconds.
    private static final Map<String, String> SHORT_LEASE = Map.of("jobs.lease", "5s", "jobs.workers.concurrency", "32",
            "jobs.workers.poll-interval", "500ms");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> started = new ArrayList<>();
    private Vertx vertx;
    private ScriptedBedrock bedrock;
    private BedrockEmulator emulator;
    private RestartablePostgres postgres;
    // The replica that survives the first test serves the others too: each start of the jar costs seconds of CPU.
    private ServiceProcess survivor;

    @BeforeAll
    void start() throws IOException {
        vertx = Vertx.vertx();
        bedrock = new ScriptedBedrock(vertx);
        emulator = BedrockEmulator.start(vertx, BedrockEmulatorResource.CREDENTIALS, bedrock);
        postgres = RestartablePostgres.start();
    }

    @BeforeEach
    void resetBedrock() {
        bedrock.reset();
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable service : started) {
            service.close();
        }
        postgres.close();
        emulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /**
     * Two replicas share a 2,000-item job; one is killed (SIGKILL) when half the items have results. The survivor
     * finishes the job, taking the dead replica's items again when their 5 s lease has passed.
     */
    @Test
    @Order(1)
    void aReplicaKilledHalfwayLosesNothingAndDoublesNothing() throws Exception {
        int items = 2_000;
        ServiceProcess killed = service("failover-killed", SHORT_LEASE);
        ServiceProcess remaining = survivor();
        killed.awaitReady(client);
        bedrock.latency(Duration.ofMillis(40));

        long start = System.nanoTime();
        UUID id = createJob(killed.base(), items);
        awaitTrue(Duration.ofSeconds(90), () -> resultCount(id) >= items / 2, "half of the items have results");
        String replica = killed.replica();
        killed.process().destroyForcibly();
        assertThat(killed.awaitExit(Duration.ofSeconds(10))).as("exit status of a process killed by SIGKILL")
                .isEqualTo(SIGKILL_STATUS);
        long finishedByKilled = count("SELECT count(*) FROM job_items WHERE job_id = ? AND claimed_by = ? "
                + "AND status = 'done'", id, replica);
        long heldByKilled = count("SELECT count(*) FROM job_items WHERE job_id = ? AND claimed_by = ? "
                + "AND status = 'running'", id, replica);
        assertThat(heldByKilled).as("items the killed replica was analysing").isPositive();

        JsonNode job = awaitCompleted(remaining.base(), id, Duration.ofSeconds(90));
        double seconds = (System.nanoTime() - start) / 1e9;

        assertExactlyOneResultEach(remaining.base(), id, items, job);
        // Items that outlast the lease (a busy machine) are taken again too: more calls, never more results.
        assertThat(bedrock.calls()).as("Converse calls").hasSizeGreaterThanOrEqualTo(items);
        System.out.printf("SIGKILL: %d items completed in %.1f s; the killed replica had finished %d and held %d; "
                + "%d Converse calls%n", items, seconds, finishedByKilled, heldByKilled, bedrock.calls().size());
    }

    /**
     * The database is stopped mid-job and started again on the same port and data: meanwhile the jobs API answers 503
     * {@code jobs-unavailable}; afterwards the pool reconnects, the workers go on, and the job completes.
     */
    @Test
    @Order(2)
    void aDatabaseRestartedMidJobLosesNothingAndDoublesNothing() throws Exception {
        int items = 400;
        ServiceProcess service = survivor();
        bedrock.latency(Duration.ofMillis(40));

        long start = System.nanoTime();
        UUID id = createJob(service.base(), items);
        awaitTrue(Duration.ofSeconds(60), () -> resultCount(id) >= items / 4, "a quarter of the items have results");
        postgres.stop();
        int callsAtStop = bedrock.calls().size();

        HttpResponse<String> during = get(service.base().resolve("/v1/jobs/" + id));
        assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
        assertThat(during.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(during.body()).path("type").asText())
                .isEqualTo("urn:visionapi:problem:jobs-unavailable");
        Thread.sleep(3_000); // several poll intervals: claims fail, the items in flight cannot be stored
        assertThat(service.process().isAlive()).isTrue();
        postgres.restart();

        JsonNode job = awaitCompleted(service.base(), id, Duration.ofSeconds(90));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertExactlyOneResultEach(service.base(), id, items, job);
        System.out.printf("Database restart: %d items completed in %.1f s; %d Converse calls (%d before the stop)%n",
                items, seconds, bedrock.calls().size(), callsAtStop);
    }

    /**
     * A replica is sent SIGTERM mid-job: the items it is analysing finish and are stored by it, it holds no lease when
     * it exits, and the other replica completes the job at once, although a kept lease (10 min) would block it.
     */
    @Test
    @Order(3)
    void aReplicaStoppedWithSigtermFinishesItsItemsAndLeavesTheRestToTheOther() throws Exception {
        int items = 300;
        ServiceProcess stopped = service("failover-sigterm", Map.of("jobs.lease", "10m",
                "jobs.workers.concurrency", "16", "jobs.workers.poll-interval", "500ms"));
        ServiceProcess other = survivor();
        stopped.awaitReady(client);
        bedrock.latency(Duration.ofMillis(500));

        long start = System.nanoTime();
        UUID id = createJob(stopped.base(), items);
        String replica = stopped.replica();
        awaitTrue(Duration.ofSeconds(60), () -> resultCount(id) >= items / 4 && held(id, replica) >= 8,
                "a quarter of the items have results and the replica to stop is analysing several");
        List<Integer> inFlight = indexes("SELECT idx FROM job_items WHERE job_id = ? AND claimed_by = ? "
                + "AND status = 'running'", id, replica);
        stopped.process().destroy();
        long stopping = System.nanoTime();
        assertThat(stopped.awaitExit(Duration.ofSeconds(40))).as("exit status after SIGTERM").isEqualTo(SIGTERM_STATUS);
        double exitSeconds = (System.nanoTime() - stopping) / 1e9;

        assertThat(inFlight).as("items the replica was analysing at SIGTERM").isNotEmpty();
        for (int index : inFlight) {
            // Claimed once, by the stopped replica, and done with a result: it finished the item and stored it.
            assertThat(indexes("SELECT r.idx FROM job_results r JOIN job_items i USING (job_id, idx) WHERE r.job_id = ? "
                    + "AND i.claimed_by = ? AND i.status = 'done' AND i.attempts = 1 AND r.idx = " + index, id, replica))
                    .as("item %d, in flight at SIGTERM, analysed once and stored by its replica", index)
                    .containsExactly(index);
        }
        assertThat(count("SELECT count(*) FROM job_items WHERE job_id = ? AND claimed_by = ? AND status = 'running'",
                id, replica)).as("leases still held by the stopped replica").isZero();

        JsonNode job = awaitCompleted(other.base(), id, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertExactlyOneResultEach(other.base(), id, items, job);
        long byStopped = count("SELECT count(*) FROM job_items WHERE job_id = ? AND claimed_by = ?", id, replica);
        System.out.printf("SIGTERM: %d items completed in %.1f s (lease 10 min); %d in flight at SIGTERM, stored; "
                + "the stopped replica exited after %.1f s having finished %d items%n", items, seconds,
                inFlight.size(), exitSeconds, byStopped);
    }

    /** The replica with a short lease that outlives the first test, started with the first replica. */
    private ServiceProcess survivor() throws Exception {
        if (survivor == null) {
            survivor = service("failover-survivor", SHORT_LEASE);
        }
        return survivor.awaitReady(client);
    }

    private ServiceProcess service(String name, Map<String, String> settings) throws IOException {
        Map<String, String> properties = new HashMap<>(settings);
        properties.put("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        properties.put("quarkus.datasource.username", RestartablePostgres.USER);
        // Every item is the same sample: with the result cache on, all but the first would skip Bedrock.
        properties.put("cache.enabled", "false");
        ServiceProcess service = ServiceProcess.launch(name, emulator.endpoint(), properties);
        started.add(service);
        return service;
    }

    private UUID createJob(URI base, int items) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("preset", "caption");
        ArrayNode images = body.putObject("source").putArray("images");
        for (int i = 0; i < items; i++) {
            images.addObject().put("sample", "text-sign"); // the smallest sample: less CPU per item
        }
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(base.resolve("/v1/jobs"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return UUID.fromString(JSON.readTree(created.body()).path("id").asText());
    }

    private JsonNode awaitCompleted(URI base, UUID id, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            HttpResponse<String> response = get(base.resolve("/v1/jobs/" + id));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode job = JSON.readTree(response.body());
            if (job.path("status").asText().equals("completed")) {
                return job;
            }
            assertThat(System.nanoTime() - deadline).as("job not completed within %s: %s", within, job).isNegative();
            Thread.sleep(200);
        }
    }

    /** Every index has exactly one result, in SQL and in the results API, and the job's counts agree. */
    private void assertExactlyOneResultEach(URI base, UUID id, int items, JsonNode job) throws Exception {
        assertThat(count("SELECT count(*) FROM job_results WHERE job_id = ?", id)).isEqualTo(items);
        assertThat(count("SELECT count(DISTINCT idx) FROM job_results WHERE job_id = ? AND idx BETWEEN 0 AND "
                + (items - 1), id)).isEqualTo(items);
        assertThat(count("SELECT count(*) FROM job_results WHERE job_id = ? AND status = 'succeeded'", id))
                .isEqualTo(items);
        assertThat(count("SELECT count(*) FROM job_items WHERE job_id = ? AND status <> 'done'", id)).isZero();

        List<Integer> indexes = new ArrayList<>();
        int after = -1;
        while (true) {
            HttpResponse<String> page = get(base.resolve("/v1/jobs/" + id + "/results?limit=700&after=" + after));
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            List<String> lines = page.body().lines().filter(line -> !line.isBlank()).toList();
            if (lines.isEmpty()) {
                break;
            }
            for (String line : lines) {
                JsonNode result = JSON.readTree(line);
                assertThat(result.path("status").asText()).as(line).isEqualTo("succeeded");
                indexes.add(result.path("index").asInt());
            }
            after = indexes.get(indexes.size() - 1);
        }
        assertThat(indexes).as("indexes of the results, in order").hasSize(items)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, items).boxed().toList());

        assertThat(job.at("/counts/total").asInt()).isEqualTo(items);
        assertThat(job.at("/counts/succeeded").asInt()).isEqualTo(items);
        assertThat(job.at("/counts/failed").asInt()).isZero();
        assertThat(job.at("/counts/pending").asInt()).isZero();
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(40)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long resultCount(UUID id) {
        try {
            return count("SELECT count(*) FROM job_results WHERE job_id = ?", id);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long held(UUID id, String replica) {
        try {
            return count("SELECT count(*) FROM job_items WHERE job_id = ? AND claimed_by = ? AND status = 'running'",
                    id, replica);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql, Object... parameters) throws SQLException {
        try (Connection connection = postgres.connect(); PreparedStatement statement = prepare(connection, sql,
                parameters); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private List<Integer> indexes(String sql, Object... parameters) throws SQLException {
        try (Connection connection = postgres.connect(); PreparedStatement statement = prepare(connection, sql,
                parameters); ResultSet rows = statement.executeQuery()) {
            List<Integer> indexes = new ArrayList<>();
            while (rows.next()) {
                indexes.add(rows.getInt(1));
            }
            return indexes;
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private static void awaitTrue(Duration within, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("not within %s: %s", within, what).isNegative();
            Thread.sleep(100);
        }
    }
}
