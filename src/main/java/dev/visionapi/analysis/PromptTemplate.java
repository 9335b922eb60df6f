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

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]+");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9-]*)}}");

    private PromptTemplate() {
    }

    static Set<String> placeholders(String template) {
        return PLACEHOLDER.matcher(template).results().map(match -> match.group(1)).collect(Collectors.toSet());
    }

    /**
     * A parameter value made fit to stand inside a sentence of the prompt: control characters and line breaks become
     * spaces, so a value cannot start paragraphs of instructions of its own.
     */
    static String inline(String value) {
        return CONTROL.matcher(value).replaceAll(" ").strip();
    }

    static String fill(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        return matcher.replaceAll(match -> Matcher.quoteReplacement(values.get(match.group(1))));
    }
}
