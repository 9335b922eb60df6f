package dev.visionapi.bedrock.emulator;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Bedrock's batch inference (model invocation jobs) as the emulator plays it: {@code CreateModelInvocationJob},
 * {@code GetModelInvocationJob} and {@code StopModelInvocationJob} in their restJson1 shapes. After {@link #delay()} a
 * job reads its {@code .jsonl} input from S3, answers each Converse record with the emulator's Converse handler, and
 * writes {@code <output>/<jobId>/<file>.out} (records shuffled: Bedrock keeps no order) and {@code manifest.json.out}.
 * A record with {@code toolConfig} (batch records reject it), with {@code outputConfig} or a {@code cachePoint} its model
 * does not take, whose text holds {@link #FAIL_RECORD_MARKER} or whose recordId is in {@link #failingRecordIds()} gets
 * an {@code error} object instead of {@code modelOutput}. As Bedrock does while a job is {@code Validating}, a job whose
 * input files hold fewer records in all than the minimum per job ({@link #minRecordsPerJob()}, Bedrock's quota: 100)
 * ends {@code Failed} with a message, and writes no output.
 */
final class BatchInference {

    /** A record whose prompt holds this text fails with a model error. */
    static final String FAIL_RECORD_MARKER = "[emulator: fail this record]";
    static final String ACCOUNT = "123456789012";
    /** Bedrock's quota "minimum number of records per batch inference job". */
    static final int BEDROCK_MIN_RECORDS_PER_JOB = 100;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Set<String> TERMINAL = Set.of("Completed", "PartiallyCompleted", "Failed", "Stopped",
            "Expired");
    // How long Stopping lasts before Stopped.
    private static final Duration STOPPING = Duration.ofMillis(50);

    /** How a job ends, for tests: all its records, half of them (PartiallyCompleted), or none (Failed). */
    enum Outcome {
        COMPLETE, PARTIAL, FAIL
    }

    private final Vertx vertx;
    private final BedrockEmulator.ConverseHandler answers;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, String> jobsByToken = new ConcurrentHashMap<>();

    private volatile Supplier<S3AsyncClient> storage;
    private volatile Duration delay = Duration.ofSeconds(1);
    private volatile Set<String> failingRecordIds = Set.of();
    private volatile Outcome outcome = Outcome.COMPLETE;
    private volatile int minRecordsPerJob = BEDROCK_MIN_RECORDS_PER_JOB;

    BatchInference(Vertx vertx, BedrockEmulator.ConverseHandler answers, Supplier<S3AsyncClient> storage) {
        this.vertx = vertx;
        this.answers = answers;
        this.storage = storage;
    }

    /** Where the jobs read their input and write their output. */
    void storage(Supplier<S3AsyncClient> storage) {
        this.storage = storage;
    }

    /** How long a job waits after its creation before it runs. */
    Duration delay() {
        return delay;
    }

    void delay(Duration delay) {
        this.delay = delay;
    }

    Set<String> failingRecordIds() {
        return failingRecordIds;
    }

    void failingRecordIds(Set<String> ids) {
        this.failingRecordIds = Set.copyOf(ids);
    }

    void outcome(Outcome outcome) {
        this.outcome = outcome;
    }

    /** Fewest records the input of a job created from now on may hold; a job with fewer fails when validated. */
    int minRecordsPerJob() {
        return minRecordsPerJob;
    }

    void minRecordsPerJob(int records) {
        this.minRecordsPerJob = records;
    }

    /** Back to the defaults (Bedrock's minimum records per job included); jobs already created keep running. */
    void reset() {
        delay = Duration.ofSeconds(1);
        failingRecordIds = Set.of();
        outcome = Outcome.COMPLETE;
        minRecordsPerJob = BEDROCK_MIN_RECORDS_PER_JOB;
    }

    EmulatorReply create(JsonObject request) {
        if (request == null) {
            return EmulatorReply.error(400, "ValidationException", "The request has no body");
        }
        String jobName = request.getString("jobName");
        String roleArn = request.getString("roleArn");
        String modelId = request.getString("modelId");
        String input = request.getJsonObject("inputDataConfig", new JsonObject())
                .getJsonObject("s3InputDataConfig", new JsonObject()).getString("s3Uri");
        String output = request.getJsonObject("outputDataConfig", new JsonObject())
                .getJsonObject("s3OutputDataConfig", new JsonObject()).getString("s3Uri");
        if (jobName == null || roleArn == null || modelId == null || input == null || output == null) {
            return EmulatorReply.error(400, "ValidationException",
                    "jobName, roleArn, modelId, inputDataConfig and outputDataConfig are required");
        }
        if (!"Converse".equals(request.getString("modelInvocationType"))) {
            return EmulatorReply.error(400, "ValidationException",
                    "The emulator runs Converse batch jobs only (modelInvocationType Converse)");
        }
        if (!input.startsWith("s3://") || !output.startsWith("s3://")) {
            return EmulatorReply.error(400, "ValidationException", "S3 URIs must start with s3://");
        }
        String token = request.getString("clientRequestToken");
        if (token != null) {
            String existing = jobsByToken.get(token);
            if (existing != null) {
                return arnReply(jobs.get(existing)); // idempotent: the same job again
            }
        }
        String id = newId();
        Job job = new Job(id, "arn:aws:bedrock:us-east-1:" + ACCOUNT + ":model-invocation-job/" + id, request.copy(),
                outcome, minRecordsPerJob);
        jobs.put(id, job);
        if (token != null && jobsByToken.putIfAbsent(token, id) != null) {
            jobs.remove(id);
            return arnReply(jobs.get(jobsByToken.get(token)));
        }
        job.timer = vertx.setTimer(Math.max(1, delay.toMillis()), ignored -> run(job));
        return arnReply(job);
    }

    /** Runs now the jobs still waiting for their delay to pass. */
    void runWaiting() {
        for (Job job : jobs.values()) {
            synchronized (job) {
                if (!"Submitted".equals(job.status) || !vertx.cancelTimer(job.timer)) {
                    continue;
                }
            }
            vertx.runOnContext(ignored -> run(job));
        }
    }

    EmulatorReply get(String identifier) {
        Job job = find(identifier);
        return job == null ? notFound(identifier) : EmulatorReply.json(200, job.describe());
    }

    EmulatorReply stop(String identifier) {
        Job job = find(identifier);
        if (job == null) {
            return notFound(identifier);
        }
        synchronized (job) {
            if (TERMINAL.contains(job.status) || "Stopping".equals(job.status)) {
                return EmulatorReply.error(400, "ValidationException",
                        "The job is %s and cannot be stopped".formatted(job.status));
            }
            vertx.cancelTimer(job.timer);
            job.status("Stopping", null);
        }
        vertx.setTimer(STOPPING.toMillis(), ignored -> job.end("Stopped", null));
        return EmulatorReply.json(200, new JsonObject());
    }

    private Job find(String identifier) {
        return jobs.get(identifier.substring(identifier.lastIndexOf('/') + 1));
    }

    private static EmulatorReply notFound(String identifier) {
        return EmulatorReply.error(404, "ResourceNotFoundException",
                "The model invocation job %s does not exist".formatted(identifier));
    }

    private static EmulatorReply arnReply(Job job) {
        return EmulatorReply.json(200, new JsonObject().put("jobArn", job.arn));
    }

    private String newId() {
        StringBuilder id = new StringBuilder(12);
        for (int i = 0; i < 12; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    /**
     * The job's work: read every input file and validate their records' count (Validating), then answer the records
     * and write the outputs and the manifest (InProgress).
     */
    private void run(Job job) {
        synchronized (job) {
            if (!"Submitted".equals(job.status)) {
                return; // stopped before it ran
            }
            job.status("Validating", null);
        }
        Outcome ending = job.outcome;
        if (ending == Outcome.FAIL) {
            job.end("Failed", "The emulator was told to fail this job");
            return;
        }
        S3AsyncClient s3;
        try {
            s3 = storage.get();
        } catch (RuntimeException e) {
            job.end("Failed", "The job cannot reach S3: " + e.getMessage());
            return;
        }
        S3Location input = S3Location.of(job.request.getJsonObject("inputDataConfig")
                .getJsonObject("s3InputDataConfig").getString("s3Uri"));
        S3Location output = S3Location.of(job.request.getJsonObject("outputDataConfig")
                .getJsonObject("s3OutputDataConfig").getString("s3Uri")).asFolder();
        String modelId = job.request.getString("modelId");
        int minimum = job.minRecords;
        inputFiles(s3, input).thenCompose(files -> readAll(s3, files)).thenCompose(inputs -> {
            long records = inputs.stream().mapToLong(InputFile::records).sum();
            if (records < minimum) {
                // What Bedrock's validation answers; the job never runs, and writes nothing.
                job.end("Failed", ("The number of records (%d) in the job's input is below the minimum number of "
                        + "records per batch inference job (%d).").formatted(records, minimum));
                return CompletableFuture.completedFuture((Totals) null);
            }
            synchronized (job) {
                if (!"Validating".equals(job.status)) {
                    return CompletableFuture.completedFuture((Totals) null); // stopped while validating
                }
                job.status("InProgress", null);
            }
            Totals totals = new Totals();
            CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
            for (InputFile file : inputs) {
                all = all.thenCompose(done -> answerFile(file, modelId, ending, totals))
                        .thenCompose(lines -> s3.putObject(put -> put.bucket(output.bucket())
                                .key(output.key() + job.id + "/" + file.location().fileName() + ".out"),
                                AsyncRequestBody.fromString(lines, StandardCharsets.UTF_8)))
                        .thenApply(written -> null);
            }
            return all.thenCompose(done -> s3.putObject(put -> put.bucket(output.bucket())
                    .key(output.key() + job.id + "/manifest.json.out"),
                    AsyncRequestBody.fromString(totals.manifest().encode(), StandardCharsets.UTF_8)))
                    .thenApply(written -> totals);
        }).whenComplete((totals, failure) -> {
            if (failure != null) {
                job.end("Failed", "The job could not read its input or write its output: "
                        + rootMessage(failure));
            } else if (totals != null) {
                job.counts(totals);
                job.end(ending == Outcome.PARTIAL ? "PartiallyCompleted" : "Completed", null);
            }
        });
    }

    /** The input files' lines, read one file after the other. */
    private static CompletableFuture<List<InputFile>> readAll(S3AsyncClient s3, List<S3Location> files) {
        List<InputFile> read = new ArrayList<>();
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (S3Location file : files) {
            all = all.thenCompose(done -> s3.getObject(get -> get.bucket(file.bucket()).key(file.key()),
                    AsyncResponseTransformer.toBytes()))
                    .thenAccept(bytes -> {
                        List<String> lines = new ArrayList<>();
                        for (String line : bytes.asUtf8String().split("\n")) {
                            if (!line.isBlank()) {
                                lines.add(line);
                            }
                        }
                        read.add(new InputFile(file, lines));
                    });
        }
        return all.thenApply(done -> read);
    }

    /** One input file's records, as lines. */
    private record InputFile(S3Location location, List<String> lines) {
        long records() {
            return lines.size();
        }
    }

    /** The input object itself when the URI names a .jsonl file, else every .jsonl object under the prefix. */
    private static CompletableFuture<List<S3Location>> inputFiles(S3AsyncClient s3, S3Location input) {
        if (input.key().endsWith(".jsonl")) {
            return CompletableFuture.completedFuture(List.of(input));
        }
        List<S3Location> files = Collections.synchronizedList(new ArrayList<>());
        return s3.listObjectsV2Paginator(list -> list.bucket(input.bucket()).prefix(input.key()))
                .contents().subscribe((S3Object object) -> {
                    if (object.key().endsWith(".jsonl")) {
                        files.add(new S3Location(input.bucket(), object.key()));
                    }
                }).thenApply(done -> {
                    List<S3Location> sorted = new ArrayList<>(files);
                    sorted.sort((a, b) -> a.key().compareTo(b.key()));
                    return sorted;
                });
    }

    /** The output lines of one input file, shuffled; with {@link Outcome#PARTIAL} only half of them. */
    private CompletableFuture<String> answerFile(InputFile file, String modelId, Outcome ending, Totals totals) {
        return CompletableFuture.completedFuture(file.lines())
                .thenCompose(input -> {
                    List<Future<JsonObject>> lines = new ArrayList<>();
                    for (String line : input) {
                        lines.add(answer(new JsonObject(line), modelId));
                    }
                    return Future.all(lines).toCompletionStage().thenApply(all -> {
                        List<JsonObject> records = new ArrayList<>(all.<JsonObject>list());
                        totals.submitted(records.size());
                        Collections.shuffle(records, random);
                        if (ending == Outcome.PARTIAL) {
                            records = records.subList(0, records.size() / 2);
                        }
                        StringBuilder out = new StringBuilder();
                        for (JsonObject record : records) {
                            totals.count(record);
                            out.append(record.encode()).append('\n');
                        }
                        return out.toString();
                    });
                });
    }

    private Future<JsonObject> answer(JsonObject record, String modelId) {
        String recordId = record.getString("recordId");
        JsonObject modelInput = record.getJsonObject("modelInput", new JsonObject());
        JsonObject line = new JsonObject().put("recordId", recordId).put("modelInput", modelInput);
        if (modelInput.containsKey("toolConfig")) {
            return Future.succeededFuture(line.put("error", error(400,
                    "ValidationException: toolConfig is not supported in batch inference")));
        }
        ConverseCall call = new ConverseCall(modelId, modelInput, false);
        EmulatorReply refused = BedrockEmulator.refusedFeature(call);
        if (refused != null) {
            return Future.succeededFuture(line.put("error", error(refused.status(),
                    refused.errorType() + ": " + refused.body().getString("message"))));
        }
        if (failingRecordIds.contains(recordId) || call.prompt().contains(FAIL_RECORD_MARKER)) {
            return Future.succeededFuture(line.put("error", error(500,
                    "ModelErrorException: the model failed on this record (emulator)")));
        }
        return answers.handle(call).map(reply -> reply.status() == 200
                ? line.put("modelOutput", reply.body())
                : line.put("error", error(reply.status(), reply.errorType() + ": "
                        + reply.body().getString("message", ""))));
    }

    private static JsonObject error(int code, String message) {
        return new JsonObject().put("errorCode", code).put("errorMessage", message);
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }

    /** A bucket and a key (or key prefix) from an {@code s3://} URI. */
    record S3Location(String bucket, String key) {

        static S3Location of(String uri) {
            String rest = uri.substring("s3://".length());
            int slash = rest.indexOf('/');
            return slash < 0 ? new S3Location(rest, "") : new S3Location(rest.substring(0, slash),
                    rest.substring(slash + 1));
        }

        /** The same location as a folder: its key ends with a slash, unless it is the whole bucket. */
        S3Location asFolder() {
            return key.isEmpty() || key.endsWith("/") ? this : new S3Location(bucket, key + "/");
        }

        String fileName() {
            return key.substring(key.lastIndexOf('/') + 1);
        }
    }

    /** The manifest's counts, summed over the job's files. */
    private static final class Totals {
        long total;
        long processed;
        long success;
        long errors;
        long inputTokens;
        long outputTokens;

        synchronized void submitted(int records) {
            total += records;
        }

        synchronized void count(JsonObject record) {
            processed++;
            JsonObject output = record.getJsonObject("modelOutput");
            if (output == null) {
                errors++;
                return;
            }
            success++;
            JsonObject usage = output.getJsonObject("usage", new JsonObject());
            inputTokens += usage.getInteger("inputTokens", 0);
            outputTokens += usage.getInteger("outputTokens", 0);
        }

        synchronized JsonObject manifest() {
            return new JsonObject().put("totalRecordCount", total).put("processedRecordCount", processed)
                    .put("successRecordCount", success).put("errorRecordCount", errors)
                    .put("inputTokenCount", inputTokens).put("outputTokenCount", outputTokens);
        }
    }

    /** One job: its request as received and its state, changed under its own lock. */
    private static final class Job {
        final String id;
        final String arn;
        final JsonObject request;
        final Outcome outcome;
        final int minRecords;
        final Instant submitted = Instant.now();
        String status = "Submitted";
        String message;
        Instant lastModified = submitted;
        Instant ended;
        long timer = -1;
        Totals totals;

        Job(String id, String arn, JsonObject request, Outcome outcome, int minRecords) {
            this.id = id;
            this.arn = arn;
            this.request = request;
            this.outcome = outcome;
            this.minRecords = minRecords;
        }

        synchronized void status(String status, String message) {
            this.status = status;
            this.message = message;
            lastModified = Instant.now();
        }

        synchronized void counts(Totals totals) {
            this.totals = totals;
        }

        /** Ends the job, unless a stop ended it first (a stop wins over work that finishes later). */
        synchronized void end(String status, String message) {
            if (TERMINAL.contains(this.status) || ("Stopping".equals(this.status) && !"Stopped".equals(status))) {
                return;
            }
            status(status, message);
            ended = lastModified;
        }

        synchronized JsonObject describe() {
            JsonObject job = new JsonObject().put("jobArn", arn).put("jobName", request.getString("jobName"))
                    .put("modelId", request.getString("modelId"))
                    .put("roleArn", request.getString("roleArn"))
                    .put("status", status)
                    .put("submitTime", submitted.toString())
                    .put("lastModifiedTime", lastModified.toString())
                    .put("inputDataConfig", request.getJsonObject("inputDataConfig"))
                    .put("outputDataConfig", request.getJsonObject("outputDataConfig"))
                    .put("modelInvocationType", request.getString("modelInvocationType"))
                    .put("timeoutDurationInHours", request.getInteger("timeoutDurationInHours", 24))
                    .put("jobExpirationTime", submitted.plus(Duration.ofHours(
                            request.getInteger("timeoutDurationInHours", 24))).toString());
            if (request.getString("clientRequestToken") != null) {
                job.put("clientRequestToken", request.getString("clientRequestToken"));
            }
            if (message != null) {
                job.put("message", message);
            }
            if (ended != null) {
                job.put("endTime", ended.toString());
            }
            if (totals != null) {
                JsonObject manifest = totals.manifest();
                job.put("totalRecordCount", manifest.getLong("totalRecordCount"))
                        .put("processedRecordCount", manifest.getLong("processedRecordCount"))
                        .put("successRecordCount", manifest.getLong("successRecordCount"))
                        .put("errorRecordCount", manifest.getLong("errorRecordCount"));
            }
            return job;
        }
    }
}
