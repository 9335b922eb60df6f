package dev.visionapi.jobs.batch;

import java.util.List;

/**
 * One JSONL input file written to the staging prefix: the input of one Bedrock batch job.
 *
 * @param s3Uri where the file is ({@code s3://bucket/prefix/<batch>/input/part-00001.jsonl})
 * @param outputS3Uri where its job writes its output ({@code s3://bucket/prefix/<batch>/output/})
 * @param indexes the item indexes of its records, in the order written
 * @param bytes the file's size
 */
public record BatchInputFile(String s3Uri, String outputS3Uri, List<Long> indexes, long bytes) {

    public BatchInputFile {
        indexes = List.copyOf(indexes);
    }

    /** The file's name, which its output file repeats ({@code <name>.out}). */
    public String fileName() {
        return s3Uri.substring(s3Uri.lastIndexOf('/') + 1);
    }
}
