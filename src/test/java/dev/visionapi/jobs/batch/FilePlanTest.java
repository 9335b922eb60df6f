package dev.visionapi.jobs.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * How the input files of a job share its records: evenly over the fewest files the record limit allows, never a target
 * under the per-job minimum, and re-planned from the bytes per record seen when the size limit closes a file early.
 * Files are cut as the writer cuts them: a record goes to a new file when the current one is full.
 */
class FilePlanTest {

    @Test
    void recordsPastTheLimitAreSharedEvenlyNotLeftAsATinyLastFile() {
        assertThat(files(new FilePlan(50_010, 50_000, 100, Long.MAX_VALUE), 50_010, 1))
                .containsExactly(25_005, 25_005);
        assertThat(files(new FilePlan(11, 5, 1, Long.MAX_VALUE), 11, 1)).containsExactly(4, 4, 3);
        assertThat(files(new FilePlan(100_000, 50_000, 100, Long.MAX_VALUE), 100_000, 1))
                .containsExactly(50_000, 50_000);
        assertThat(files(new FilePlan(4, 5, 1, Long.MAX_VALUE), 4, 1)).containsExactly(4);
    }

    @Test
    void fewerRecordsThanExpectedLeaveAShortLastFile() {
        // Failed preparations: 11 expected, 9 came.
        assertThat(files(new FilePlan(11, 5, 1, Long.MAX_VALUE), 9, 1)).containsExactly(4, 4, 1);
    }

    @Test
    void aTargetIsNeverBelowTheMinimumPerJob() {
        // 160 records at most 150 per file: 80 + 80 would both be too small for Bedrock; 100 go to one job.
        assertThat(files(new FilePlan(160, 150, 100, Long.MAX_VALUE), 160, 1)).containsExactly(100, 60);
    }

    @Test
    void aFileClosedEarlyBySizeReplansTheRestEvenly() {
        // 40 records of 60 bytes, 1,000 bytes a file: the first closes at 16 records (960 bytes), the 24 left share
        // two files, not 16 + 8.
        List<Integer> sizes = files(new FilePlan(40, 50_000, 1, 1_000), 40, 60);

        assertThat(sizes).containsExactly(16, 12, 12);
    }

    @Test
    void recordsLargerThanTheAverageSoFarStillFitTheirFiles() {
        // Records grow from 50 to 89 bytes: every size-forced close re-plans, no file passes 1,000 bytes, and the
        // files after each re-plan differ by a few records at most.
        FilePlan plan = new FilePlan(40, 50_000, 1, 1_000);
        List<Integer> lengths = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lengths.add(50 + i);
        }
        List<long[]> files = cut(plan, lengths);

        assertThat(files).allSatisfy(file -> assertThat(file[1]).isLessThanOrEqualTo(1_000));
        assertThat(files.stream().mapToLong(file -> file[0]).sum()).isEqualTo(40);
        List<Integer> counts = files.stream().map(file -> (int) file[0]).toList();
        assertThat(Collections.max(counts) - Collections.min(counts)).isLessThanOrEqualTo(counts.get(0) / 2);
    }

    /** The record counts of the files {@code records} records of {@code length} bytes are cut into. */
    private static List<Integer> files(FilePlan plan, int records, int length) {
        return cut(plan, Collections.nCopies(records, length)).stream().map(file -> (int) file[0]).toList();
    }

    /** The files (records, bytes) as the writer cuts them. */
    private static List<long[]> cut(FilePlan plan, List<Integer> lengths) {
        List<long[]> files = new ArrayList<>();
        int records = 0;
        long bytes = 0;
        for (int length : lengths) {
            if (records > 0 && plan.full(records, bytes, length)) {
                plan.closed(records, bytes);
                files.add(new long[] {records, bytes});
                records = 0;
                bytes = 0;
            }
            records++;
            bytes += length;
        }
        if (records > 0) {
            plan.closed(records, bytes);
            files.add(new long[] {records, bytes});
        }
        return files;
    }
}
