package dev.visionapi.jobs.batch;

import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.bedrock.ModelProfile;
import dev.visionapi.config.JobsConfig;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.bedrock.BedrockAsyncClient;
import software.amazon.awssdk.services.bedrock.model.GetModelInvocationJobResponse;
import software.amazon.awssdk.services.bedrock.model.ModelInvocationType;
import software.amazon.awssdk.services.bedrock.model.S3InputFormat;
import software.amazon.awssdk.services.bedrock.model.ValidationException;

/**
 * Bedrock's model invocation jobs, as batch jobs use them: create one per input file, ask for its status, stop it.
 * Each call has the Bedrock client's deadline and retries ({@code bedrock.timeout}, {@code bedrock.max-attempts});
 * failures come as a {@link ProblemException}.
 */
@ApplicationScoped
public class BatchJobs {

    private static final Logger LOG = Logger.getLogger(BatchJobs.class);
    // Bedrock's pattern for job names; a name that fits it is also a valid client request token but for its dots.
    private static final Pattern JOB_NAME = Pattern.compile("[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\\-.]){0,63}");
    private static final int MAX_JOB_NAME = 63;

    private final BedrockAsyncClient bedrock;
    private final JobsConfig.Batch config;

    BatchJobs(BedrockAsyncClient bedrock, JobsConfig config) {
        this.bedrock = bedrock;
        this.config = config.batch();
    }

    /** Whether batch inference is configured: a staging prefix and a role for Bedrock. */
    public boolean configured() {
        return config.staging().isPresent() && config.roleArn().isPresent();
    }

    /**
     * Creates the Bedrock batch job of one input file, in Converse format, with role {@code jobs.batch.role-arn}; its
     * output goes to the file's {@code outputS3Uri}. The name is also the request's idempotency token: creating the
     * same name again (a replica that retries after a crash) gives the job already created, not a second one.
     *
     * @param name unique per input file, e.g. {@code <jobId>-p00001}: letters, digits and dashes, at most 63
     * @return the job's ARN
     */
    public Uni<String> create(String name, ModelProfile model, BatchInputFile input) {
        if (name.length() > MAX_JOB_NAME || !JOB_NAME.matcher(name).matches() || name.contains(".")
                || name.contains("+")) {
            return Uni.createFrom().failure(new IllegalArgumentException("Not a valid batch job name: " + name));
        }
        if (config.roleArn().isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("jobs.batch.role-arn is not set"));
        }
        String role = config.roleArn().get();
        return Uni.createFrom().completionStage(() -> bedrock.createModelInvocationJob(create -> create
                        .jobName(name)
                        .clientRequestToken(name)
                        .roleArn(role)
                        .modelId(model.id())
                        .modelInvocationType(ModelInvocationType.CONVERSE)
                        .inputDataConfig(in -> in.s3InputDataConfig(s3 -> s3.s3InputFormat(S3InputFormat.JSONL)
                                .s3Uri(input.s3Uri())))
                        .outputDataConfig(out -> out.s3OutputDataConfig(s3 -> s3.s3Uri(input.outputS3Uri())))))
                .onFailure().transform(BatchJobs::problem)
                .map(created -> created.jobArn());
    }

    /** The job's status and counts now. */
    public Uni<BatchJobState> state(String jobArn) {
        return Uni.createFrom().completionStage(() -> bedrock.getModelInvocationJob(get -> get.jobIdentifier(jobArn)))
                .onFailure().transform(BatchJobs::problem)
                .map(BatchJobs::toState);
    }

    /**
     * Asks Bedrock to stop the job and answers its state after that ({@code Stopping}, later {@code Stopped}). A job
     * that has already ended cannot be stopped; its state is answered as it is.
     */
    public Uni<BatchJobState> stop(String jobArn) {
        return Uni.createFrom().completionStage(() -> bedrock.stopModelInvocationJob(stop -> stop
                        .jobIdentifier(jobArn)))
                .replaceWithVoid()
                .onFailure(failure -> unwrap(failure) instanceof ValidationException).recoverWithNull()
                .onFailure().transform(BatchJobs::problem)
                .chain(() -> state(jobArn));
    }

    private static BatchJobState toState(GetModelInvocationJobResponse job) {
        String output = job.outputDataConfig() == null || job.outputDataConfig().s3OutputDataConfig() == null ? null
                : job.outputDataConfig().s3OutputDataConfig().s3Uri();
        return new BatchJobState(job.jobArn(), BatchJobStatus.of(job.statusAsString()), job.message(), output,
                job.totalRecordCount(), job.processedRecordCount(), job.successRecordCount(), job.errorRecordCount());
    }

    /** Bedrock's control-plane failures as problems; its messages can name accounts and ARNs, so they are logged. */
    private static Throwable problem(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ProblemException || cause instanceof IllegalArgumentException) {
            return cause;
        }
        LOG.warnf("Bedrock batch call failed: %s", cause.toString());
        if (cause instanceof ApiCallTimeoutException) {
            return new ProblemException(ProblemType.BEDROCK_TIMEOUT, "Bedrock did not answer in time.", null, cause);
        }
        if (cause instanceof AwsServiceException service) {
            return switch (service.statusCode()) {
                case 400 -> new ProblemException(ProblemType.BEDROCK_FAILED,
                        "Bedrock refused the batch job request (its reason is in the service's log).", null, cause);
                case 401, 403 -> new ProblemException(ProblemType.BEDROCK_ACCESS_DENIED,
                        "The service may not run Bedrock batch jobs (check its IAM permissions and "
                                + "jobs.batch.role-arn).", null, cause);
                case 429 -> new ProblemException(ProblemType.BEDROCK_THROTTLED,
                        "Bedrock is throttling batch job requests or a batch quota is reached.", null, cause);
                default -> new ProblemException(service.statusCode() >= 500 ? ProblemType.BEDROCK_UNAVAILABLE
                        : ProblemType.BEDROCK_FAILED, "Bedrock's batch job request failed.", null, cause);
            };
        }
        return new ProblemException(ProblemType.BEDROCK_UNAVAILABLE, "Bedrock could not be reached.", null, cause);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
