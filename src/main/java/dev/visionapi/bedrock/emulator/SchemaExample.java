package dev.visionapi.bedrock.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A value valid against a (simple) JSON Schema, so that the emulator can answer structured requests. Its strings say
 * that the answer is synthetic, so that no one takes a dev-mode answer for a model's.
 */
final class SchemaExample {

    static final String TEXT = "synthetic answer from the local Bedrock emulator";

    private SchemaExample() {
    }

    static Object of(JsonObject schema) {
        JsonArray allowed = schema.getJsonArray("enum");
        if (allowed != null && !allowed.isEmpty()) {
            return allowed.getValue(0);
        }
        return switch (schema.getString("type", "string")) {
            case "object" -> object(schema);
            case "array" -> array(schema);
            case "boolean" -> Boolean.TRUE;
            case "integer" -> Math.max(1, schema.getInteger("minimum", 1));
            case "number" -> (schema.getDouble("minimum", 0.0) + schema.getDouble("maximum", 1.0)) / 2;
            default -> text(schema.getInteger("minLength", 0), schema.getInteger("maxLength", Integer.MAX_VALUE));
        };
    }

    /** The synthetic text, repeated up to {@code minLength} and cut to {@code maxLength}. */
    private static String text(int minLength, int maxLength) {
        StringBuilder text = new StringBuilder(TEXT);
        while (text.length() < minLength) {
            text.append(' ').append(TEXT);
        }
        return text.length() > maxLength ? text.substring(0, maxLength) : text.toString();
    }

    private static JsonObject object(JsonObject schema) {
        JsonObject value = new JsonObject();
        JsonObject properties = schema.getJsonObject("properties", new JsonObject());
        properties.forEach(property -> value.put(property.getKey(), of((JsonObject) property.getValue())));
        return value;
    }

    private static JsonArray array(JsonObject schema) {
        JsonArray value = new JsonArray();
        JsonObject items = schema.getJsonObject("items", new JsonObject());
        for (int i = 0; i < Math.max(1, schema.getInteger("minItems", 1)); i++) {
            value.add(of(items));
        }
        return value;
    }
}
