package dev.visionapi.jobs.batch;

/**
 * What {@code GetModelInvocationJob} says of a job. The counts are null until Bedrock reports them.
 *
 * @param message Bedrock's reason when the job failed (may name ARNs: log it, do not show it to callers)
 */
public record BatchJobState(String jobArn, BatchJobStatus status, String message, String outputS3Uri,
        Long totalRecordCount, Long processedRecordCount, Long successRecordCount, Long errorRecordCount) {

    /** The job's ID, the last part of its ARN: its output is under {@code <outputS3Uri>/<jobId>/}. */
    public String jobId() {
        return jobArn.substring(jobArn.lastIndexOf('/') + 1);
    }
}
