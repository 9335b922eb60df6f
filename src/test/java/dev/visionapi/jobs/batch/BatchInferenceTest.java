package dev.visionapi.jobs.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntFunction;
import java.util.stream.LongStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.analysis.AnalysisRequest;
import dev.visionapi.analysis.AnalysisService;
import dev.visionapi.analysis.PreparedAnalysis;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.bedrock.emulator.TestEmulator;
import dev.visionapi.config.JobsConfig;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.image.TestImages;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.sources.S3ProxyResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * The batch path end to end without the job store: items prepared as for a call, written as Converse records to the
 * staging prefix on S3 (S3Proxy), Bedrock batch jobs created, polled and stopped through the real control-plane client
 * against the emulator, which reads those files and writes its shuffled output, and the output read back. Every item
 * must come back exactly once, as an answer or a problem.
 */
@QuarkusTest
@TestProfile(BatchInferenceTest.Staging.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class BatchInferenceTest {

    static final String BUCKET = "batch-staging";
    private static final String MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    private static final int RECORDS_PER_JOB = 5;
    // One record makes a Bedrock job here, on the service's side and the emulator's.
    private static final int MIN_RECORDS_PER_JOB = 1;
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Batch configured, with small jobs, so that a dozen items make several, and no minimum worth the name. */
    public static class Staging implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobs.batch.staging", "s3://" + BUCKET + "/jobs/",
                    "jobs.batch.role-arn", "arn:aws:iam::123456789012:role/bedrock-batch",
                    "jobs.batch.max-records-per-job", Integer.toString(RECORDS_PER_JOB),
                    "jobs.batch.min-records-per-job", Integer.toString(MIN_RECORDS_PER_JOB));
        }
    }

    @Inject
    AnalysisService analyses;
    @Inject
    BatchInputWriter writer;
    @Inject
    BatchJobs jobs;
    @Inject
    BatchOutputReader reader;
    @Inject
    S3AsyncClient s3;
    @Inject
    ObjectMapper json;
    @Inject
    JobsConfig jobsConfig;
    @Inject
    StagingFolders folders;

    private final String batch = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @BeforeEach
    void stage() {
        try {
            s3.createBucket(create -> create.bucket(BUCKET)).join();
        } catch (CompletionException e) {
            assertThat(e).hasCauseInstanceOf(BucketAlreadyOwnedByYouException.class);
        }
        emulator().resetBatch();
        emulator().batchStorage(s3);
        emulator().batchDelay(Duration.ofMillis(50));
        emulator().batchMinRecordsPerJob(MIN_RECORDS_PER_JOB);
    }

    @AfterEach
    void reset() {
        emulator().resetBatch();
    }

    @Test
    void structuredItemsSplitIntoSeveralJobsComeBackExactlyOnceEach() throws Exception {
        emulator().failBatchRecords(Set.of(BatchRecordId.of(4), BatchRecordId.of(11)));
        int items = 12;
        PreparedAnalysis first = prepare("classification", null, Map.of("categories", "Animal, Food, Other"));

        List<BatchInputFile> files = write(items, i -> prepare("classification", null,
                Map.of("categories", "Animal, Food, Other")));

        // Twelve records at most five a file: three files of four, not 5 + 5 + 2.
        assertThat(files).hasSize(3);
        assertThat(files).extracting(file -> file.indexes().size()).containsExactly(4, 4, 4);
        List<BatchOutcome> outcomes = new ArrayList<>();
        for (BatchInputFile file : files) {
            BatchJobState ended = runToEnd(file);
            assertThat(ended.status()).isEqualTo(BatchJobStatus.COMPLETED);
            outcomes.addAll(read(ended, file, ExpectedAnswer.of(first)));
            JsonNode manifest = json.readTree(object(StagingLocation.of(file.outputS3Uri()).prefix() + ended.jobId()
                    + "/manifest.json.out"));
            assertThat(manifest.get("totalRecordCount").asLong()).isEqualTo(file.indexes().size());
            assertThat(manifest.get("successRecordCount").asLong() + manifest.get("errorRecordCount").asLong())
                    .isEqualTo(file.indexes().size());
        }

        Map<Long, BatchOutcome> byIndex = exactlyOnce(outcomes, items);
        for (long index = 0; index < items; index++) {
            BatchOutcome outcome = byIndex.get(index);
            if (index == 4 || index == 11) {
                assertThat(outcome).isInstanceOfSatisfying(BatchOutcome.Failed.class, failed ->
                        assertThat(failed.type()).isEqualTo(ProblemType.BEDROCK_FAILED));
            } else {
                assertThat(outcome).isInstanceOfSatisfying(BatchOutcome.Succeeded.class, succeeded -> {
                    // The emulator answers with the schema's first enum value: the first category.
                    assertThat(succeeded.answer().data().get("category").asText()).isEqualTo("Animal");
                    assertThat(succeeded.answer().text()).isEqualTo("Animal");
                    assertThat(succeeded.answer().usage().inputTokens()).isPositive();
                    assertThat(succeeded.estimatedCostUsd()).isPositive();
                });
            }
        }
    }

    @Test
    void largeFilesAreUploadedInPartsAndSplitBySizeAndTheirOutputIsShuffled() throws Exception {
        int partBytes = 5 * 1024 * 1024; // S3's smallest part
        BatchInputWriter bySize = new BatchInputWriter(s3, json, manyRecordsPerJob(), 2L * partBytes, partBytes);
        PreparedAnalysis cat = prepare("caption", null, Map.of());
        int items = 40;

        List<BatchInputFile> files = bySize.write(batch, items, Multi.createFrom().range(0, items)
                .map(index -> new BatchItem(index, cat.call()))).await().atMost(WAIT);

        assertThat(files).hasSizeGreaterThan(1);
        assertThat(files).allSatisfy(file -> assertThat(file.bytes()).isLessThanOrEqualTo(2L * partBytes));
        // The first file was closed by its size; the records left were re-planned into files of even counts.
        List<Integer> rest = files.subList(1, files.size()).stream().map(file -> file.indexes().size()).toList();
        assertThat(Collections.max(rest) - Collections.min(rest)).isLessThanOrEqualTo(1);
        assertThat(files.stream().mapToInt(file -> file.indexes().size()).sum()).isEqualTo(items);
        assertThat(files.get(0).bytes()).isGreaterThan(partBytes); // more than one part
        assertThat(object(files.get(0).s3Uri().substring(("s3://" + BUCKET + "/").length())))
                .hasSize((int) files.get(0).bytes());
        List<BatchOutcome> outcomes = new ArrayList<>();
        for (BatchInputFile file : files) {
            BatchJobState ended = runToEnd(file);
            outcomes.addAll(read(ended, file, ExpectedAnswer.of(cat)));
            if (file == files.get(0)) {
                List<String> order = new ArrayList<>();
                for (String line : new String(object(StagingLocation.of(file.outputS3Uri()).prefix() + ended.jobId()
                        + "/" + file.fileName() + ".out"), StandardCharsets.UTF_8).split("\n")) {
                    order.add(json.readTree(line).get("recordId").asText());
                }
                // Bedrock keeps no order, and neither does the emulator: the join must not rely on it.
                assertThat(order).hasSize(file.indexes().size()).isNotEqualTo(order.stream().sorted().toList());
            }
        }
        assertThat(exactlyOnce(outcomes, items).values()).allSatisfy(outcome ->
                assertThat(outcome).isInstanceOf(BatchOutcome.Succeeded.class));
    }

    @Test
    void aRecordTheModelFailsOnIsAFailedItemBesideTheAnsweredOnes() {
        List<BatchInputFile> files = write(4, i -> i == 2
                ? prepare(null, "Describe this. " + TestEmulator.FAIL_RECORD_MARKER, Map.of())
                : prepare("caption", null, Map.of()));

        BatchJobState ended = runToEnd(files.get(0));

        Map<Long, BatchOutcome> byIndex = exactlyOnce(read(ended, files.get(0), text()), 4);
        assertThat(byIndex.get(2L)).isInstanceOf(BatchOutcome.Failed.class);
        for (long index : new long[] {0, 1, 3}) {
            assertThat(byIndex.get(index)).isInstanceOfSatisfying(BatchOutcome.Succeeded.class, succeeded ->
                    assertThat(succeeded.answer().text()).contains("synthetic answer").contains("Write a brief caption"));
        }
    }

    @Test
    void aPartiallyCompletedJobFailsTheItemsItDidNotAnswer() {
        emulator().completeBatchJobsPartially();
        List<BatchInputFile> files = write(4, i -> prepare("caption", null, Map.of()));

        BatchJobState ended = runToEnd(files.get(0));

        assertThat(ended.status()).isEqualTo(BatchJobStatus.PARTIALLY_COMPLETED);
        Map<Long, BatchOutcome> byIndex = exactlyOnce(read(ended, files.get(0), text()), 4);
        assertThat(byIndex.values()).filteredOn(BatchOutcome.Succeeded.class::isInstance).hasSize(2);
        assertThat(byIndex.values()).filteredOn(BatchOutcome.Failed.class::isInstance).hasSize(2)
                .allSatisfy(outcome -> {
                    BatchOutcome.Failed failed = (BatchOutcome.Failed) outcome;
                    assertThat(failed.type()).isEqualTo(ProblemType.BEDROCK_FAILED);
                    assertThat(failed.detail()).contains("PartiallyCompleted");
                });
    }

    @Test
    void aFailedJobFailsEveryItem() {
        emulator().failBatchJobs();
        List<BatchInputFile> files = write(3, i -> prepare("caption", null, Map.of()));

        BatchJobState ended = runToEnd(files.get(0));

        assertThat(ended.status()).isEqualTo(BatchJobStatus.FAILED);
        assertThat(ended.message()).isNotBlank();
        assertThat(exactlyOnce(read(ended, files.get(0), text()), 3).values()).allSatisfy(outcome ->
                assertThat(outcome).isInstanceOfSatisfying(BatchOutcome.Failed.class, failed ->
                        assertThat(failed.detail()).contains("Failed")));
    }

    @Test
    void aStoppedJobEndsStoppedAndItsItemsAreNotAnswered() throws InterruptedException {
        emulator().batchDelay(Duration.ofHours(1));
        List<BatchInputFile> files = write(3, i -> prepare("caption", null, Map.of()));
        String arn = jobs.create(batch + "-p00001", analysesModel(), files.get(0)).await().atMost(WAIT);

        BatchJobState stopping = jobs.stop(arn).await().atMost(WAIT);

        assertThat(stopping.status()).isIn(BatchJobStatus.STOPPING, BatchJobStatus.STOPPED);
        BatchJobState ended = awaitEnd(arn);
        assertThat(ended.status()).isEqualTo(BatchJobStatus.STOPPED);
        // Stopping a job that has ended is no error: its state is answered as it is.
        assertThat(jobs.stop(arn).await().atMost(WAIT).status()).isEqualTo(BatchJobStatus.STOPPED);
        assertThat(exactlyOnce(read(ended, files.get(0), text()), 3).values())
                .allSatisfy(outcome -> assertThat(outcome).isInstanceOf(BatchOutcome.Failed.class));
    }

    @Test
    void aRecordWithToolConfigIsRejectedAsBatchRecordsAreByBedrock() throws InterruptedException {
        String key = "jobs/" + batch + "/input/part-00001.jsonl";
        String line = "{\"recordId\":\"00000000000\",\"modelInput\":{\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"text\":\"Hi\"}]}],\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"t\",\"inputSchema\":"
                + "{\"json\":{\"type\":\"object\"}}}}],\"toolChoice\":{\"tool\":{\"name\":\"t\"}}}}}\n";
        s3.putObject(put -> put.bucket(BUCKET).key(key), AsyncRequestBody.fromString(line)).join();
        BatchInputFile file = new BatchInputFile("s3://" + BUCKET + "/" + key,
                "s3://" + BUCKET + "/jobs/" + batch + "/output/", List.of(0L), line.length());

        BatchJobState ended = runToEnd(file);

        assertThat(read(ended, file, text())).singleElement().isInstanceOfSatisfying(BatchOutcome.Failed.class,
                failed -> {
                    assertThat(failed.type()).isEqualTo(ProblemType.MODEL_REJECTED_REQUEST);
                    assertThat(failed.detail()).contains("toolConfig");
                });
    }

    @Test
    void aJobOfFewerRecordsThanBedrocksMinimumFailsAsBedrockFailsIt() {
        emulator().resetBatch(); // Bedrock's own minimum: 100 records per job
        emulator().batchStorage(s3);
        emulator().batchDelay(Duration.ofMillis(50));
        List<BatchInputFile> files = write(4, i -> prepare("caption", null, Map.of()));

        BatchJobState ended = runToEnd(files.get(0));

        assertThat(ended.status()).isEqualTo(BatchJobStatus.FAILED);
        assertThat(ended.message()).contains("minimum number of records per batch inference job (100)")
                .contains("(4)");
        assertThat(objects("jobs/" + batch + "/output/")).isEmpty();
        assertThat(exactlyOnce(read(ended, files.get(0), text()), 4).values()).allSatisfy(outcome ->
                assertThat(outcome).isInstanceOfSatisfying(BatchOutcome.Failed.class, failed ->
                        assertThat(failed.detail()).contains("Failed")));
    }

    @Test
    void aStagingFolderIsDeletedWithEverythingInIt() {
        List<BatchInputFile> files = write(7, i -> prepare("caption", null, Map.of()));
        runToEnd(files.get(0));
        runToEnd(files.get(1));
        // Keys beside the folder's, with its name as their prefix, are not in it.
        s3.putObject(put -> put.bucket(BUCKET).key("jobs/" + batch + "-other/keep.jsonl"),
                AsyncRequestBody.fromString("{}")).join();
        assertThat(objects("jobs/" + batch + "/")).hasSizeGreaterThanOrEqualTo(2 + 2 * 2);

        int deleted = folders.delete(batch).await().atMost(WAIT);

        assertThat(deleted).isGreaterThanOrEqualTo(6);
        assertThat(objects("jobs/" + batch + "/")).isEmpty();
        assertThat(objects("jobs/" + batch + "-other/")).hasSize(1);
        assertThat(folders.delete(batch).await().atMost(WAIT)).isZero();
    }

    @Test
    void aFolderOfMoreObjectsThanOneDeleteTakesIsDeletedPageByPage() {
        int count = 1_001; // S3 deletes at most 1,000 keys per request
        List<CompletableFuture<?>> puts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = "jobs/" + batch + "/output/x/%04d.jsonl.out".formatted(i);
            puts.add(s3.putObject(put -> put.bucket(BUCKET).key(key), AsyncRequestBody.fromString("{}")));
        }
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();

        assertThat(folders.delete(batch).await().atMost(WAIT)).isEqualTo(count);
        assertThat(objects("jobs/" + batch + "/")).isEmpty();
    }

    @Test
    void creatingTheSameJobAgainGivesTheSameJob() {
        List<BatchInputFile> files = write(1, i -> prepare("caption", null, Map.of()));

        String first = jobs.create(batch + "-p00001", analysesModel(), files.get(0)).await().atMost(WAIT);
        String again = jobs.create(batch + "-p00001", analysesModel(), files.get(0)).await().atMost(WAIT);

        assertThat(again).isEqualTo(first);
        assertThat(jobs.configured()).isTrue();
    }

    private List<BatchInputFile> write(int count, IntFunction<PreparedAnalysis> item) {
        return writer.write(batch, count, Multi.createFrom().range(0, count)
                .map(index -> new BatchItem(index, item.apply(index).call())))
                .await().atMost(WAIT);
    }

    private BatchJobState runToEnd(BatchInputFile file) {
        String arn = jobs.create(batch + "-p" + file.fileName().replaceAll("\\D", ""), analysesModel(), file)
                .await().atMost(WAIT);
        return awaitEnd(arn);
    }

    /** Polls as the job store would, until the job has ended; the limit only keeps a broken emulator from hanging. */
    private BatchJobState awaitEnd(String arn) {
        Instant limit = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(limit)) {
            BatchJobState state = jobs.state(arn).await().atMost(WAIT);
            if (state.status().ended()) {
                return state;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return fail("The batch job %s did not end", arn);
    }

    private List<BatchOutcome> read(BatchJobState job, BatchInputFile file, ExpectedAnswer expected) {
        return reader.read(job, file, expected).collect().asList().await().atMost(WAIT);
    }

    private static Map<Long, BatchOutcome> exactlyOnce(List<BatchOutcome> outcomes, int items) {
        Map<Long, BatchOutcome> byIndex = new HashMap<>();
        outcomes.forEach(outcome -> assertThat(byIndex.put(outcome.index(), outcome))
                .as("a second outcome for item %d", outcome.index()).isNull());
        assertThat(byIndex.keySet()).containsExactlyInAnyOrderElementsOf(
                LongStream.range(0, items).boxed().toList());
        return byIndex;
    }

    private ExpectedAnswer text() {
        return ExpectedAnswer.of(prepare("caption", null, Map.of()));
    }

    private ModelProfile analysesModel() {
        return prepare("caption", null, Map.of()).call().model();
    }

    private PreparedAnalysis prepare(String preset, String prompt, Map<String, String> parameters) {
        ImageUpload cat = new ImageUpload() {
            @Override
            public String name() {
                return "cat.png";
            }

            @Override
            public byte[] bytes() {
                return TestImages.CAT_PNG;
            }
        };
        return analyses.prepare(new AnalysisRequest(List.of(cat), Optional.ofNullable(preset),
                Optional.ofNullable(prompt), Optional.of(MODEL), Optional.empty(), Optional.empty(), parameters), "test");
    }

    /** The configured staging, with files limited by their size only. */
    private JobsConfig.Batch manyRecordsPerJob() {
        JobsConfig.Batch config = jobsConfig.batch();
        return new JobsConfig.Batch() {
            @Override
            public int minRecords() {
                return config.minRecords();
            }

            @Override
            public Optional<String> staging() {
                return config.staging();
            }

            @Override
            public Optional<String> roleArn() {
                return config.roleArn();
            }

            @Override
            public Duration pollInterval() {
                return config.pollInterval();
            }

            @Override
            public int maxRecordsPerJob() {
                return 50_000;
            }

            @Override
            public int minRecordsPerJob() {
                return config.minRecordsPerJob();
            }
        };
    }

    private List<String> objects(String prefix) {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(list -> list.bucket(BUCKET).prefix(prefix)).contents()
                .subscribe(object -> keys.add(object.key())).join();
        return keys;
    }

    private byte[] object(String key) {
        return s3.getObject(get -> get.bucket(BUCKET).key(key), AsyncResponseTransformer.toBytes()).join()
                .asByteArray();
    }

    private static TestEmulator emulator() {
        return BedrockEmulatorResource.emulator();
    }
}
