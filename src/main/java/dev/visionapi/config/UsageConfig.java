package dev.visionapi.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The usage ledger: tokens and estimated cost per API key, day and model ({@code GET /v1/usage}, budgets). */
@ConfigMapping(prefix = "usage")
public interface UsageConfig {

    /** How often the usage recorded on this replica is added to the ledger in PostgreSQL, in one statement. */
    @WithDefault("2S")
    Duration flushInterval();

    /** How often each key's month-to-date cost, which budgets are checked against, is read back from the ledger. */
    @WithDefault("30S")
    Duration refreshInterval();

    /** Most rows (key, day, model) the in-memory ledger keeps without a database; past it, the oldest days go. */
    @WithDefault("100000")
    int maxMemoryRows();
}
