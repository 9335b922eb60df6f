package dev.visionapi.usage;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.smallrye.mutiny.Uni;

/**
 * The ledger in this replica's memory, for a service without a database: lost at restart, and each replica has its
 * own. Ordered by day, so that past {@code maxRows} the oldest days are forgotten first and the current month, which
 * budgets are checked against, stays.
 */
final class MemoryUsageStore implements UsageStore {

    private final int maxRows;
    private final TreeMap<UsageRow.Key, TokenCounts> rows = new TreeMap<>();

    MemoryUsageStore(int maxRows) {
        this.maxRows = Math.max(1, maxRows);
    }

    @Override
    public Uni<Void> add(Map<UsageRow.Key, TokenCounts> added) {
        synchronized (rows) {
            added.forEach((key, counts) -> rows.merge(key, counts, TokenCounts::plus));
            while (rows.size() > maxRows) {
                rows.pollFirstEntry();
            }
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<List<UsageRow>> rows(String keyName, LocalDate from, LocalDate to) {
        List<UsageRow> found = new ArrayList<>();
        synchronized (rows) {
            rows.forEach((key, counts) -> {
                if (key.keyName().equals(keyName) && !key.day().isBefore(from) && !key.day().isAfter(to)) {
                    found.add(new UsageRow(key.keyName(), key.day(), key.model(), counts));
                }
            });
        }
        return Uni.createFrom().item(found);
    }

    @Override
    public Uni<Map<String, BigDecimal>> costs(LocalDate from, LocalDate to) {
        Map<String, BigDecimal> costs = new HashMap<>();
        synchronized (rows) {
            rows.forEach((key, counts) -> {
                if (!key.day().isBefore(from) && !key.day().isAfter(to)) {
                    costs.merge(key.keyName(), counts.costUsd(), BigDecimal::add);
                }
            });
        }
        return Uni.createFrom().item(costs);
    }

    @Override
    public String description() {
        return "in memory (no database: each replica counts its own, until it restarts)";
    }
}
