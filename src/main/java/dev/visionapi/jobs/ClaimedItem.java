package dev.visionapi.jobs;

import java.util.UUID;

/** An item this replica holds the lease of, with what it is to be analysed with. */
record ClaimedItem(UUID jobId, int index, String source, int attempts, String model, JobSpec spec) {
}
