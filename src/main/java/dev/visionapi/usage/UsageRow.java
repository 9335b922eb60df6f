package dev.visionapi.usage;

import java.time.LocalDate;

/** One row of the ledger: a key's use of a model on a UTC day. */
public record UsageRow(String keyName, LocalDate day, String model, TokenCounts counts) {

    /** The row's identity in the ledger. */
    record Key(String keyName, LocalDate day, String model) implements Comparable<Key> {

        @Override
        public int compareTo(Key other) {
            int byDay = day.compareTo(other.day);
            if (byDay != 0) {
                return byDay;
            }
            int byKey = keyName.compareTo(other.keyName);
            return byKey != 0 ? byKey : model.compareTo(other.model);
        }
    }
}
