package dev.visionapi.jobs.batch;

import dev.visionapi.bedrock.ModelCall;

/** One item of a job, as a batch record: its index (the recordId) and the Converse call prepared for it. */
public record BatchItem(long index, ModelCall call) {
}
