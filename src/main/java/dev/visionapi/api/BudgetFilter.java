package dev.visionapi.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.ws.rs.Priorities;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.security.ApiKeys;
import dev.visionapi.usage.UsageLedger;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * Refuses the operations that spend money ({@link WithinBudget}: creating analyses and jobs) with 429
 * {@code budget-exceeded} once the key's estimated cost this UTC month has reached its budget, before any work; the
 * other operations still work. Retry-After is the time until the next month begins (UTC). The month-to-date cost is the
 * ledger's in-memory estimate ({@link UsageLedger#monthToDateCostUsd}). Decision: jobs already created are not
 * stopped, their items run to the end and are counted, so a budget can be overshot by them.
 */
public class BudgetFilter {

    private final CurrentIdentityAssociation identities;
    private final ApiKeys keys;
    private final UsageLedger ledger;

    BudgetFilter(CurrentIdentityAssociation identities, ApiKeys keys, UsageLedger ledger) {
        this.identities = identities;
        this.keys = keys;
        this.ledger = ledger;
    }

    // After the key's rate limit (ApiKeyRequestFilter): a key over its rate is told so first.
    @WithinBudget
    @ServerRequestFilter(priority = Priorities.USER + 100)
    public Uni<Void> checkBudget() {
        return identities.getDeferredIdentity().invoke(identity -> {
            if (identity.isAnonymous()) {
                return;
            }
            String name = identity.getPrincipal().getName();
            keys.budgetOf(name).ifPresent(budget -> {
                BigDecimal spent = ledger.monthToDateCostUsd(name);
                if (spent.compareTo(budget) >= 0) {
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    OffsetDateTime nextMonth = now.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay()
                            .atOffset(ZoneOffset.UTC);
                    Duration wait = Duration.between(now, nextMonth);
                    throw new ProblemException(ProblemType.BUDGET_EXCEEDED, ("This key's monthly budget of %s USD is "
                            + "used up (%s USD estimated this month, UTC); it resets at %s.")
                            .formatted(budget.toPlainString(), spent.toPlainString(), nextMonth.toInstant()),
                            Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000)), null);
                }
            });
        }).replaceWithVoid();
    }
}
