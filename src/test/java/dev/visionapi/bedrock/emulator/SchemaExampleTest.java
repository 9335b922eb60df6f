package dev.visionapi.bedrock.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The emulator's structured answers say in their text that they are synthetic, within the schema's limits. */
class SchemaExampleTest {

    @Test
    void everyFreeTextFieldSaysTheAnswerIsSynthetic() {
        JsonObject schema = new JsonObject().put("type", "object").put("properties", new JsonObject()
                .put("subject", new JsonObject().put("type", "string").put("minLength", 1))
                .put("lines", new JsonObject().put("type", "array")
                        .put("items", new JsonObject().put("type", "string"))));

        JsonObject example = (JsonObject) SchemaExample.of(schema);

        assertThat(example.getString("subject")).isEqualTo("synthetic answer from the local Bedrock emulator");
        assertThat(example.getJsonArray("lines").getString(0))
                .isEqualTo("synthetic answer from the local Bedrock emulator");
    }

    @Test
    void aStringKeepsWithinTheSchemasLengthLimits() {
        String longer = (String) SchemaExample.of(new JsonObject().put("type", "string").put("minLength", 60));
        String shorter = (String) SchemaExample.of(new JsonObject().put("type", "string").put("maxLength", 9));

        assertThat(longer).hasSizeGreaterThanOrEqualTo(60).startsWith(SchemaExample.TEXT);
        assertThat(shorter).isEqualTo("synthetic");
    }

    @Test
    void anEnumeratedStringTakesAnAllowedValue() {
        Object example = SchemaExample.of(new JsonObject().put("type", "string")
                .put("enum", new JsonArray().add("Cat").add("Dog")));

        assertThat(example).isEqualTo("Cat");
    }
}
