package dev.visionapi.api;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.visionapi.usage.TokenCounts;
import dev.visionapi.usage.UsageRow;

/** The answer to {@code GET /v1/usage}. */
@Schema(name = "UsageReport")
public record UsageResponse(
        @Schema(description = "The API key's name ('anonymous' when the service has no keys)", examples = "team-a")
        String key,
        @Schema(description = "First day reported (UTC)", format = "date", examples = "2026-12-01") String from,
        @Schema(description = "Last day reported, inclusive (UTC)", format = "date", examples = "2026-12-03") String to,
        @Schema(description = "Usage per day and model, by day then model; days without usage are left out")
        List<Day> days,
        @Schema(description = "The sums of 'days'") Totals total,
        @Schema(description = "The key's monthly budget in USD; null when it has none", nullable = true,
                examples = "50") BigDecimal budgetUsd,
        @Schema(description = "The key's estimated cost this UTC month so far, in USD, as its budget is checked "
                + "against it: other replicas' latest spend may be missing for up to usage.refresh-interval",
                examples = "12.408311")
        BigDecimal monthToDateCostUsd) {

    static UsageResponse of(String key, LocalDate from, LocalDate to, List<UsageRow> rows, BigDecimal budgetUsd,
            BigDecimal monthToDateCostUsd) {
        TokenCounts total = TokenCounts.ZERO;
        for (UsageRow row : rows) {
            total = total.plus(row.counts());
        }
        return new UsageResponse(key, from.toString(), to.toString(), rows.stream().map(Day::of).toList(),
                Totals.of(total), budgetUsd, monthToDateCostUsd);
    }

    /** A key's use of one model on one UTC day. */
    @Schema(name = "UsageDay")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Day(
            @Schema(description = "The UTC day", format = "date", examples = "2026-12-03") String date,
            @Schema(description = "Model or inference profile", examples = "us.anthropic.claude-haiku-4-5-20251001-v1:0")
            String model,
            long inputTokens,
            long outputTokens,
            @Schema(description = "Input tokens read from Bedrock's prompt cache; absent when Bedrock reported none",
                    nullable = true) Long cacheReadInputTokens,
            @Schema(description = "Input tokens written to Bedrock's prompt cache; absent when Bedrock reported none",
                    nullable = true) Long cacheWriteInputTokens,
            @Schema(description = "Estimated cost in USD at the model's list (or batch) price; answers of a model "
                    + "without a price count 0", examples = "0.005001") BigDecimal estimatedCostUsd) {

        static Day of(UsageRow row) {
            TokenCounts counts = row.counts();
            return new Day(row.day().toString(), row.model(), counts.inputTokens(), counts.outputTokens(),
                    counts.cacheReadInputTokens(), counts.cacheWriteInputTokens(), counts.costUsd());
        }
    }

    /** Sums over the days reported. */
    @Schema(name = "UsageTotals")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Totals(long inputTokens, long outputTokens,
            @Schema(nullable = true) Long cacheReadInputTokens,
            @Schema(nullable = true) Long cacheWriteInputTokens,
            BigDecimal estimatedCostUsd) {

        static Totals of(TokenCounts counts) {
            return new Totals(counts.inputTokens(), counts.outputTokens(), counts.cacheReadInputTokens(),
                    counts.cacheWriteInputTokens(), counts.costUsd());
        }
    }
}
