package dev.visionapi.jobs.batch;

/**
 * How many records each input file of a job gets: the records expected, spread evenly over the fewest files that
 * Bedrock's per-job record limit allows, so that a split leaves no small remainder (50,010 records at 50,000 per job
 * make two files of 25,005, not 50,000 and 10). A file the size limit closed before its target re-plans the rest, from
 * the bytes per record seen so far, so that the files after it are even again. A target is never below the per-job
 * minimum: a file below it (a tail, when preparations failed or sizes forced splits) runs on demand instead.
 * Not thread-safe: one per job being written.
 */
final class FilePlan {

    // Files are planned to this share of the size limit: records larger than the average so far fit in the rest.
    private static final double BYTE_HEADROOM = 0.9;

    private final int maxRecords;
    private final int minRecords;
    private final long maxBytes;
    // Records still expected: an upper bound, since items whose preparation fails never come.
    private long remaining;
    private long recordsClosed;
    private long bytesClosed;
    private int target;

    /**
     * @param expected the records the job should have (its pending items)
     * @param maxRecords most records per file ({@code jobs.batch.max-records-per-job})
     * @param minRecords fewest records per file worth a Bedrock job ({@code jobs.batch.min-records-per-job})
     * @param maxBytes most bytes per file
     */
    FilePlan(long expected, int maxRecords, int minRecords, long maxBytes) {
        if (maxRecords < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("A file must be allowed a record and a byte at least");
        }
        this.maxRecords = maxRecords;
        this.minRecords = minRecords;
        this.maxBytes = maxBytes;
        this.remaining = expected;
        plan(0);
    }

    /** The records the current file is meant to have. */
    int target() {
        return target;
    }

    /**
     * Whether a file of {@code records} records and {@code bytes} bytes is full: it has its target, or a record of
     * {@code length} bytes would take it past the size limit.
     */
    boolean full(int records, long bytes, int length) {
        return records >= target || (records > 0 && bytes + length > maxBytes);
    }

    /** A file was closed with these records and bytes; one closed before its target re-plans the rest. */
    void closed(int records, long bytes) {
        remaining -= records;
        recordsClosed += records;
        bytesClosed += bytes;
        if (records < target && recordsClosed > 0) {
            plan((double) bytesClosed / recordsClosed);
        }
    }

    /** The target for the remaining records, spread over as few files as the limits allow. */
    private void plan(double bytesPerRecord) {
        long records = Math.max(remaining, 1);
        long files = ceil(records, maxRecords);
        if (bytesPerRecord > 0) {
            files = Math.max(files, (long) Math.ceil(records * bytesPerRecord / (maxBytes * BYTE_HEADROOM)));
        }
        long even = ceil(records, Math.max(files, 1));
        target = (int) Math.min(maxRecords, Math.max(even, minRecords));
    }

    private static long ceil(long dividend, long divisor) {
        return (dividend + divisor - 1) / divisor;
    }
}
