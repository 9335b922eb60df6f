package dev.visionapi.jobs.batch;

/** The status of a Bedrock model invocation job, as {@code GetModelInvocationJob} reports it. */
public enum BatchJobStatus {
    SUBMITTED("Submitted"),
    VALIDATING("Validating"),
    SCHEDULED("Scheduled"),
    IN_PROGRESS("InProgress"),
    STOPPING("Stopping"),
    COMPLETED("Completed"),
    PARTIALLY_COMPLETED("PartiallyCompleted"),
    FAILED("Failed"),
    STOPPED("Stopped"),
    EXPIRED("Expired"),
    /** A status this service does not know (a newer one of Bedrock's); treated as still running. */
    UNKNOWN("Unknown");

    private final String wireName;

    BatchJobStatus(String wireName) {
        this.wireName = wireName;
    }

    static BatchJobStatus of(String wireName) {
        for (BatchJobStatus status : values()) {
            if (status.wireName.equals(wireName)) {
                return status;
            }
        }
        return UNKNOWN;
    }

    /** Whether the job has ended: its output, if any, is all written, and its status will not change. */
    public boolean ended() {
        return switch (this) {
            case COMPLETED, PARTIALLY_COMPLETED, FAILED, STOPPED, EXPIRED -> true;
            default -> false;
        };
    }

    /** Bedrock's name for the status. */
    public String wireName() {
        return wireName;
    }
}
