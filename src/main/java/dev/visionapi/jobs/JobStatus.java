package dev.visionapi.jobs;

/** Where a job stands; {@code failed} only when the job itself could not run. */
public enum JobStatus {
    QUEUED("queued"), RUNNING("running"), COMPLETED("completed"), CANCELLED("cancelled"), FAILED("failed");

    private final String wire;

    JobStatus(String wire) {
        this.wire = wire;
    }

    /** The name in the API and the database. */
    public String wire() {
        return wire;
    }

    static JobStatus of(String wire) {
        for (JobStatus status : values()) {
            if (status.wire.equals(wire)) {
                return status;
            }
        }
        throw new IllegalArgumentException("Unknown job status " + wire);
    }
}
