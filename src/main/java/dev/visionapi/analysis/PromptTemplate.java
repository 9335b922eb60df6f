package dev.visionapi.analysis;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Fills {@code {{name}}} placeholders in one pass: an inserted value is never scanned again, so a value that itself
 * contains {@code {{...}}} stays literal text.
 */
final class PromptTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9-]*)}}");

    private PromptTemplate() {
    }

    static Set<String> placeholders(String template) {
        return PLACEHOLDER.matcher(template).results().map(match -> match.group(1)).collect(Collectors.toSet());
    }

    static String fill(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        return matcher.replaceAll(match -> Matcher.quoteReplacement(values.get(match.group(1))));
    }
}
