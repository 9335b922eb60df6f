package dev.visionapi.bedrock.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockAsyncClient;
import software.amazon.awssdk.services.bedrock.model.CreateModelInvocationJobRequest;
import software.amazon.awssdk.services.bedrock.model.GetModelInvocationJobResponse;
import software.amazon.awssdk.services.bedrock.model.ModelInvocationJobStatus;
import software.amazon.awssdk.services.bedrock.model.ModelInvocationType;

/**
 * The emulator's model invocation jobs over Bedrock's wire protocol, driven by the SDK's own control-plane client:
 * create (idempotent by client request token), describe by ARN or ID, stop, and the errors Bedrock answers. Its jobs
 * wait an hour before they run, so that none reads S3 here (the end-to-end test does, against S3Proxy).
 */
class BatchJobEmulatorTest {

    private static Vertx vertx;
    private static TestEmulator emulator;
    private static BedrockAsyncClient bedrock;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        emulator = TestEmulator.start(vertx, BedrockEmulatorResource.CREDENTIALS, new SyntheticAnswers(Duration.ZERO));
        emulator.batchDelay(Duration.ofHours(1));
        bedrock = client(BedrockEmulatorResource.CREDENTIALS);
    }

    @AfterAll
    static void stop() {
        bedrock.close();
        emulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aCreatedJobIsDescribedByItsArnOrItsId() {
        String arn = bedrock.createModelInvocationJob(job("described", "token-described")).join().jobArn();

        assertThat(arn).matches("arn:aws:bedrock:us-east-1:\\d{12}:model-invocation-job/[a-z0-9]{12}");
        GetModelInvocationJobResponse byArn = bedrock.getModelInvocationJob(get -> get.jobIdentifier(arn)).join();
        GetModelInvocationJobResponse byId = bedrock.getModelInvocationJob(get -> get
                .jobIdentifier(arn.substring(arn.lastIndexOf('/') + 1))).join();
        assertThat(byArn.status()).isEqualTo(ModelInvocationJobStatus.SUBMITTED);
        assertThat(byArn.jobName()).isEqualTo("described");
        assertThat(byArn.modelInvocationType()).isEqualTo(ModelInvocationType.CONVERSE);
        assertThat(byArn.inputDataConfig().s3InputDataConfig().s3Uri()).isEqualTo("s3://staging/in/part-00001.jsonl");
        assertThat(byArn.outputDataConfig().s3OutputDataConfig().s3Uri()).isEqualTo("s3://staging/out/");
        assertThat(byArn.submitTime()).isNotNull();
        assertThat(byId.jobArn()).isEqualTo(arn);
    }

    @Test
    void theSameClientRequestTokenGivesTheSameJob() {
        String first = bedrock.createModelInvocationJob(job("twice", "token-twice")).join().jobArn();
        String second = bedrock.createModelInvocationJob(job("twice", "token-twice")).join().jobArn();
        String other = bedrock.createModelInvocationJob(job("twice", "token-other")).join().jobArn();

        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void aStoppedJobGoesThroughStoppingToStopped() throws InterruptedException {
        String arn = bedrock.createModelInvocationJob(job("stopped", "token-stopped")).join().jobArn();

        bedrock.stopModelInvocationJob(stop -> stop.jobIdentifier(arn)).join();

        ModelInvocationJobStatus status = bedrock.getModelInvocationJob(get -> get.jobIdentifier(arn)).join().status();
        assertThat(status).isIn(ModelInvocationJobStatus.STOPPING, ModelInvocationJobStatus.STOPPED);
        while (status == ModelInvocationJobStatus.STOPPING) {
            Thread.sleep(20);
            status = bedrock.getModelInvocationJob(get -> get.jobIdentifier(arn)).join().status();
        }
        assertThat(status).isEqualTo(ModelInvocationJobStatus.STOPPED);
        assertThat(bedrock.getModelInvocationJob(get -> get.jobIdentifier(arn)).join().endTime()).isNotNull();
        assertThat(failure(() -> bedrock.stopModelInvocationJob(stop -> stop.jobIdentifier(arn)).join()))
                .satisfies(error -> {
                    assertThat(error.statusCode()).isEqualTo(400);
                    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                });
    }

    @Test
    void aJobThatCannotReachS3Fails() throws InterruptedException {
        TestEmulator withoutStorage = TestEmulator.start(vertx, BedrockEmulatorResource.CREDENTIALS,
                new SyntheticAnswers(Duration.ZERO));
        withoutStorage.batchDelay(Duration.ofMillis(1));
        try (BedrockAsyncClient client = client(BedrockEmulatorResource.CREDENTIALS, withoutStorage.endpoint())) {
            String arn = client.createModelInvocationJob(job("unreachable", "token-unreachable")).join().jobArn();

            GetModelInvocationJobResponse job = client.getModelInvocationJob(get -> get.jobIdentifier(arn)).join();
            while (!job.status().equals(ModelInvocationJobStatus.FAILED) && job.endTime() == null) {
                Thread.sleep(20);
                job = client.getModelInvocationJob(get -> get.jobIdentifier(arn)).join();
            }
            assertThat(job.status()).isEqualTo(ModelInvocationJobStatus.FAILED);
            assertThat(job.message()).contains("S3");
        } finally {
            withoutStorage.close();
        }
    }

    @Test
    void anUnknownJobIsNotFound() {
        AwsServiceException error = failure(() -> bedrock.getModelInvocationJob(get -> get
                .jobIdentifier("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/nosuchjob000")).join());

        assertThat(error.statusCode()).isEqualTo(404);
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
    }

    @Test
    void anInvokeModelJobIsRefused() {
        AwsServiceException error = failure(() -> bedrock.createModelInvocationJob(job("invoke", "token-invoke")
                .toBuilder().modelInvocationType(ModelInvocationType.INVOKE_MODEL).build()).join());

        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
    }

    @Test
    void requestsSignedWithAnotherSecretAreRefused() {
        try (BedrockAsyncClient forger = client(AwsCredentialsIdentity.create(
                BedrockEmulatorResource.CREDENTIALS.accessKeyId(), "another-secret"))) {
            String arn = bedrock.createModelInvocationJob(job("forged", "token-forged")).join().jobArn();

            for (Runnable call : new Runnable[] {
                () -> forger.createModelInvocationJob(job("forged-2", "token-forged-2")).join(),
                () -> forger.getModelInvocationJob(get -> get.jobIdentifier(arn)).join(),
                () -> forger.stopModelInvocationJob(stop -> stop.jobIdentifier(arn)).join()}) {
                AwsServiceException error = failure(call);
                assertThat(error.statusCode()).isEqualTo(403);
                assertThat(error.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
            }
            // The forged stop changed nothing.
            assertThat(bedrock.getModelInvocationJob(get -> get.jobIdentifier(arn)).join().status())
                    .isEqualTo(ModelInvocationJobStatus.SUBMITTED);
        }
    }

    @Test
    void anUnsignedRequestIsRefused() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(emulator.endpoint() + "/model-invocation-job/abc")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(type ->
                assertThat(type).startsWith("MissingAuthenticationTokenException"));
    }

    private static CreateModelInvocationJobRequest job(String name, String token) {
        return CreateModelInvocationJobRequest.builder()
                .jobName(name)
                .clientRequestToken(token)
                .roleArn("arn:aws:iam::123456789012:role/bedrock-batch")
                .modelId("us.anthropic.claude-haiku-4-5-20251001-v1:0")
                .modelInvocationType(ModelInvocationType.CONVERSE)
                .inputDataConfig(in -> in.s3InputDataConfig(s3 -> s3.s3Uri("s3://staging/in/part-00001.jsonl")
                        .s3InputFormat("JSONL")))
                .outputDataConfig(out -> out.s3OutputDataConfig(s3 -> s3.s3Uri("s3://staging/out/")))
                .build();
    }

    private static AwsServiceException failure(Runnable call) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(AwsServiceException.class);
        return (AwsServiceException) thrown.getCause();
    }

    private static BedrockAsyncClient client(AwsCredentialsIdentity credentials) {
        return client(credentials, emulator.endpoint());
    }

    private static BedrockAsyncClient client(AwsCredentialsIdentity credentials, URI endpoint) {
        return BedrockAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        credentials.accessKeyId(), credentials.secretAccessKey())))
                .build();
    }
}
