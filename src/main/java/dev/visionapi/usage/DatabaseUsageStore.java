package dev.visionapi.usage;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The ledger in PostgreSQL (table {@code api_key_usage}, migration V6), shared by every replica. A flush adds all its
 * rows in one statement, sorted by key, day and model, so that two replicas' flushes lock shared rows in the same
 * order and never deadlock.
 */
final class DatabaseUsageStore implements UsageStore {

    /** Deadline of one statement, pool wait included. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private static final String COLUMNS = """
            day, model, input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens, cost_usd""";

    private final Pool pool;

    DatabaseUsageStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Void> add(Map<UsageRow.Key, TokenCounts> added) {
        List<UsageRow.Key> keys = added.keySet().stream().sorted().toList();
        int size = keys.size();
        String[] names = new String[size];
        String[] days = new String[size];
        String[] models = new String[size];
        Long[] input = new Long[size];
        Long[] output = new Long[size];
        Long[] cacheRead = new Long[size];
        Long[] cacheWrite = new Long[size];
        String[] costs = new String[size];
        for (int i = 0; i < size; i++) {
            UsageRow.Key key = keys.get(i);
            TokenCounts counts = added.get(key);
            names[i] = key.keyName();
            days[i] = key.day().toString();
            models[i] = key.model();
            input[i] = counts.inputTokens();
            output[i] = counts.outputTokens();
            cacheRead[i] = counts.cacheReadInputTokens();
            cacheWrite[i] = counts.cacheWriteInputTokens();
            costs[i] = counts.costUsd().toPlainString();
        }
        return timed(pool.preparedQuery("""
                INSERT INTO api_key_usage AS u (key_name, day, model, input_tokens, output_tokens,
                                                cache_read_input_tokens, cache_write_input_tokens, cost_usd)
                SELECT t.key_name, t.day::date, t.model, t.input_tokens, t.output_tokens, t.cache_read, t.cache_write,
                       t.cost::numeric
                FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[],
                            $8::text[]) AS t(key_name, day, model, input_tokens, output_tokens, cache_read, cache_write,
                                             cost)
                ORDER BY t.key_name, t.day, t.model
                ON CONFLICT (key_name, day, model) DO UPDATE SET
                    input_tokens = u.input_tokens + EXCLUDED.input_tokens,
                    output_tokens = u.output_tokens + EXCLUDED.output_tokens,
                    cache_read_input_tokens = CASE
                        WHEN u.cache_read_input_tokens IS NULL AND EXCLUDED.cache_read_input_tokens IS NULL THEN NULL
                        ELSE coalesce(u.cache_read_input_tokens, 0) + coalesce(EXCLUDED.cache_read_input_tokens, 0) END,
                    cache_write_input_tokens = CASE
                        WHEN u.cache_write_input_tokens IS NULL AND EXCLUDED.cache_write_input_tokens IS NULL THEN NULL
                        ELSE coalesce(u.cache_write_input_tokens, 0) + coalesce(EXCLUDED.cache_write_input_tokens, 0) END,
                    cost_usd = u.cost_usd + EXCLUDED.cost_usd""")
                .execute(Tuple.tuple(Arrays.asList(names, days, models, input, output, cacheRead, cacheWrite, costs))))
                .replaceWithVoid();
    }

    @Override
    public Uni<List<UsageRow>> rows(String keyName, LocalDate from, LocalDate to) {
        return timed(pool.preparedQuery("SELECT " + COLUMNS
                + " FROM api_key_usage WHERE key_name = $1 AND day BETWEEN $2 AND $3 ORDER BY day, model")
                .execute(Tuple.of(keyName, from, to)))
                .map(rows -> {
                    List<UsageRow> found = new ArrayList<>(rows.size());
                    rows.forEach(row -> found.add(new UsageRow(keyName, row.getLocalDate("day"),
                            row.getString("model"), counts(row))));
                    return found;
                });
    }

    @Override
    public Uni<Map<String, BigDecimal>> costs(LocalDate from, LocalDate to) {
        return timed(pool.preparedQuery("""
                SELECT key_name, sum(cost_usd) AS cost FROM api_key_usage WHERE day BETWEEN $1 AND $2
                GROUP BY key_name""")
                .execute(Tuple.of(from, to)))
                .map(rows -> {
                    Map<String, BigDecimal> costs = new HashMap<>();
                    rows.forEach(row -> costs.put(row.getString("key_name"), row.getBigDecimal("cost")));
                    return costs;
                });
    }

    @Override
    public String description() {
        return "in PostgreSQL (shared by the replicas)";
    }

    private static TokenCounts counts(Row row) {
        return new TokenCounts(row.getLong("input_tokens"), row.getLong("output_tokens"),
                row.getLong("cache_read_input_tokens"), row.getLong("cache_write_input_tokens"),
                row.getBigDecimal("cost_usd"));
    }

    private static <T> Uni<T> timed(Uni<T> statement) {
        return statement.ifNoItem().after(DEADLINE)
                .failWith(() -> new IllegalStateException("The usage ledger's database did not answer within "
                        + DEADLINE.toSeconds() + " s"));
    }
}
