package dev.visionapi.jobs.batch;

/**
 * A batch record's {@code recordId}: the item's index, zero-padded to 11 digits ({@code 00000000042}). Eleven
 * characters is the form Bedrock's own documentation gives its record IDs, the padding keeps them in item order when
 * sorted as text, and 11 digits hold far more items than a job may have.
 */
public final class BatchRecordId {

    private static final int DIGITS = 11;
    private static final long MAX = 99_999_999_999L;

    private BatchRecordId() {
    }

    /** The recordId of the item at this index (0 or more). */
    public static String of(long index) {
        if (index < 0 || index > MAX) {
            throw new IllegalArgumentException("Item index out of range: " + index);
        }
        return String.format("%0" + DIGITS + "d", index);
    }

    /** The item index a recordId names, or -1 when it is not one this service wrote. */
    public static long index(String recordId) {
        if (recordId == null || recordId.length() != DIGITS) {
            return -1;
        }
        for (int i = 0; i < DIGITS; i++) {
            if (recordId.charAt(i) < '0' || recordId.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(recordId);
    }
}
