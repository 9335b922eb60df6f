package dev.visionapi.api;

import java.security.Principal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.jboss.logging.Logger;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.security.ApiKeys;
import dev.visionapi.usage.UsageLedger;
import io.smallrye.mutiny.Uni;

/** The calling key's tokens and estimated cost per day and model, from the usage ledger. */
@Path("/v1/usage")
@RolesAllowed(ApiKeys.ROLE)
@Tag(name = ApiDocument.USAGE)
@SecurityRequirement(name = ApiDocument.BEARER)
@SecurityRequirement(name = ApiDocument.API_KEY_HEADER)
public class UsageResource {

    /** The longest range one request may ask for. */
    static final int MAX_DAYS = 366;

    private static final Logger LOG = Logger.getLogger(UsageResource.class);

    private final UsageLedger ledger;
    private final ApiKeys keys;

    UsageResource(UsageLedger ledger, ApiKeys keys) {
        this.ledger = ledger;
        this.keys = keys;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getUsage", summary = "Get the key's usage",
            description = """
                    The calling API key's input, output and prompt cache tokens and estimated cost per UTC day and \
                    model, of its analyses (JSON and streamed) and of its jobs' items, with their sums, the key's \
                    monthly budget and its estimated cost this month. A cached answer counts zero. Without API keys \
                    every caller shares the 'anonymous' usage. The ledger is kept in PostgreSQL when the service \
                    has a database, else in each replica's memory until it restarts.""")
    @APIResponse(responseCode = "200", description = "The key's usage", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UsageResponse.class)))
    @APIResponse(responseCode = "400", description = "'from' or 'to' is not a date (YYYY-MM-DD), 'from' is after "
            + "'to', or the range is longer than 366 days ('invalid-request')")
    @APIResponse(responseCode = "503", description = "The usage database failed or did not answer "
            + "('usage-unavailable'); see Retry-After")
    public Uni<UsageResponse> usage(
            @Parameter(description = "First day (UTC), YYYY-MM-DD; by default the first day of the month of 'to'",
                    example = "2026-12-01") @QueryParam("from") String from,
            @Parameter(description = "Last day (UTC), inclusive, YYYY-MM-DD; by default today", example = "2026-12-31")
            @QueryParam("to") String to,
            @Context SecurityContext security) {
        LocalDate today = ledger.today();
        LocalDate last = to == null || to.isBlank() ? today : date("to", to);
        LocalDate first = from == null || from.isBlank() ? last.withDayOfMonth(1) : date("from", from);
        if (first.isAfter(last)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "'from' is after 'to'.");
        }
        if (ChronoUnit.DAYS.between(first, last) + 1 > MAX_DAYS) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "The range from 'from' to 'to' is longer than " + MAX_DAYS + " days.");
        }
        Principal principal = security.getUserPrincipal();
        String key = principal == null || principal.getName().isEmpty() ? UsageLedger.ANONYMOUS : principal.getName();
        return ledger.rows(key, first, last)
                .map(rows -> UsageResponse.of(key, first, last, rows, keys.budgetOf(key).orElse(null),
                        ledger.monthToDateCostUsd(key)))
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(failure -> {
                    LOG.warnf("The usage ledger could not be read: %s", failure.toString());
                    return new ProblemException(ProblemType.USAGE_UNAVAILABLE,
                            "The usage database failed; try again.", Duration.ofSeconds(5), failure);
                });
    }

    private static LocalDate date(String name, String value) {
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "'%s' is not a date: give it as YYYY-MM-DD.".formatted(name));
        }
    }
}
