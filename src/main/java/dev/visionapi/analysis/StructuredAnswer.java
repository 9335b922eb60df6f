package dev.visionapi.analysis;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/** Checks a structured answer against its preset's schema and renders it as readable text. */
@ApplicationScoped
public class StructuredAnswer {

    /** Compiled schemas kept; enough for every preset and the category lists in common use. */
    private static final int COMPILED_SCHEMAS = 256;

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    // Schemas with enums from request parameters (classification's categories) are as many as clients make up, so
    // the cache of compiled schemas is bounded, least recently used out first.
    private final Map<JsonNode, Schema> compiled = Collections.synchronizedMap(
            new LinkedHashMap<>(COMPILED_SCHEMAS, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<JsonNode, Schema> eldest) {
                    return size() > COMPILED_SCHEMAS;
                }
            });

    /** What is wrong with the data; empty when it follows the schema. */
    public List<String> problems(JsonNode data, JsonNode schema) {
        if (data == null || !data.isObject()) {
            return List.of("the answer holds no JSON object");
        }
        return compiled.computeIfAbsent(schema, registry::getSchema).validate(data).stream()
                .map(Error::getMessage)
                .toList();
    }

    /**
     * The data as text: the preset's template with top-level fields filled in, or one "field: value" line per field,
     * arrays of objects as "a (2), b (1)".
     */
    public String render(JsonNode data, String template) {
        if (template != null) {
            Map<String, String> values = fieldTexts(data);
            PromptTemplate.placeholders(template).forEach(name -> values.putIfAbsent(name, ""));
            return PromptTemplate.fill(template, values);
        }
        return StreamSupport.stream(data.properties().spliterator(), false)
                .map(field -> field.getKey() + ": " + text(field.getValue()))
                .collect(Collectors.joining("\n"));
    }

    private static Map<String, String> fieldTexts(JsonNode data) {
        Map<String, String> values = new HashMap<>();
        data.properties().forEach(field -> values.put(field.getKey(), text(field.getValue())));
        return values;
    }

    private static String text(JsonNode value) {
        if (value.isArray()) {
            return StreamSupport.stream(value.spliterator(), false).map(StructuredAnswer::item)
                    .collect(Collectors.joining(", "));
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** An array item: a value, or an object as its first field with the others in brackets. */
    private static String item(JsonNode value) {
        if (!value.isObject() || value.isEmpty()) {
            return text(value);
        }
        List<String> parts = value.properties().stream().map(field -> text(field.getValue())).toList();
        return parts.size() == 1 ? parts.get(0)
                : parts.get(0) + " (" + String.join(", ", parts.subList(1, parts.size())) + ")";
    }
}
