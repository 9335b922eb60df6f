package dev.visionapi.api;

import java.security.Principal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.SecurityContext;

import dev.visionapi.usage.TokenCounts;
import dev.visionapi.usage.UsageLedger;

/** Records an answered analysis in the usage ledger, under the request's key, with the usage its response reports. */
@ApplicationScoped
class AnalysisUsage {

    private final UsageLedger ledger;

    AnalysisUsage(UsageLedger ledger) {
        this.ledger = ledger;
    }

    void record(SecurityContext security, AnalysisResponse response) {
        Principal key = security.getUserPrincipal();
        AnalysisResponse.Usage usage = response.usage();
        ledger.record(key == null ? null : key.getName(), response.model(), TokenCounts.of(usage.inputTokens(),
                usage.outputTokens(), usage.cacheReadInputTokens(), usage.cacheWriteInputTokens(),
                usage.estimatedCostUsd()));
    }
}
