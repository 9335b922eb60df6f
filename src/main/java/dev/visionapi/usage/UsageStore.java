package dev.visionapi.usage;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Uni;

/** Where the ledger's rows live: PostgreSQL when the service has a database, memory otherwise. */
interface UsageStore {

    /** Adds each row's counts to the row of the same key, day and model (creating it). */
    Uni<Void> add(Map<UsageRow.Key, TokenCounts> rows);

    /** The key's rows from {@code from} to {@code to} (inclusive), by day and model. */
    Uni<List<UsageRow>> rows(String keyName, LocalDate from, LocalDate to);

    /** Every key's cost from {@code from} to {@code to} (inclusive). */
    Uni<Map<String, BigDecimal>> costs(LocalDate from, LocalDate to);

    /** How the ledger is kept, for the start-up log. */
    String description();
}
