package dev.visionapi.security;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The lines of {@code auth.api-keys-file}: blank lines and lines starting with {@code #} are skipped; a line is a bare
 * key (named by its digest, as before names existed), {@code name:key} or {@code name:key:budget} ({@code name:key:} is
 * {@code name:key}). Decision: keys in the file never contain {@code ':'} (generated keys are hex or base64url), so a
 * line is told apart by its count of {@code ':'}: none, one or two; more is an error. A key with a {@code ':'} can
 * still be given in {@code auth.api-keys}. A malformed line stops start-up with its file and line number; the message
 * shows no field of the line, as a misplaced one may be a key.
 */
final class KeyFile {

    /** Names appear in logs, metrics and responses: short, and nothing a log or label would need to escape. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private KeyFile() {
    }

    /** One key of the file: its name (null for a bare key) and its monthly budget in USD (null for none). */
    record Entry(String name, String key, BigDecimal budgetUsd, int line) {
    }

    static List<Entry> parse(Path file, List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            entries.add(entry(file, i + 1, line));
        }
        return entries;
    }

    private static Entry entry(Path file, int number, String line) {
        String[] fields = line.split(":", -1);
        if (fields.length == 1) {
            return new Entry(null, line, null, number);
        }
        if (fields.length > 3) {
            throw malformed(file, number, "has more than two ':'; a line is a key, name:key or name:key:budget, "
                    + "and a key in this file may not contain ':'");
        }
        String name = fields[0].strip();
        String key = fields[1].strip();
        if (!NAME.matcher(name).matches()) {
            throw malformed(file, number, "the name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a "
                    + "letter or digit");
        }
        if (key.isEmpty()) {
            throw malformed(file, number, "the key is empty");
        }
        BigDecimal budget = null;
        if (fields.length == 3 && !fields[2].isBlank()) {
            try {
                budget = new BigDecimal(fields[2].strip());
            } catch (NumberFormatException e) {
                throw malformed(file, number, "the budget is not a decimal number of USD");
            }
            if (budget.signum() < 0) {
                throw malformed(file, number, "the budget is negative");
            }
        }
        return new Entry(name, key, budget, number);
    }

    static IllegalStateException malformed(Path file, int line, String reason) {
        return new IllegalStateException("API key file " + file + ", line " + line + ": " + reason);
    }
}
