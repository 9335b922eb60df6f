package dev.visionapi.analysis;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A ready-made task: a prompt template whose {@code {{name}}} placeholders are filled from its parameters, with an
 * optional system prompt and, for structured presets, the JSON Schema the answer's {@code data} follows.
 *
 * @param schemaEnums for structured presets: top-level schema properties whose allowed values come from a
 *        comma-separated parameter (classification's {@code category} from {@code categories})
 * @param textTemplate how {@code data} is rendered as the answer's {@code text}: {@code {{field}}} placeholders for
 *        top-level fields; when absent, a generic "field: value" rendering
 */
@Schema(name = "Preset")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Preset(
        @Schema(description = "Identifier to send as the 'preset' form field", examples = "caption") String id,
        @Schema(description = "Display name", examples = "Caption") String name,
        @Schema(description = "What the preset produces") String description,
        @Schema(description = "System prompt sent with the request", nullable = true) String system,
        @Schema(description = "Prompt template sent to the model") String prompt,
        @Schema(description = "Values the template takes from the request") List<PresetParameter> parameters,
        @Schema(description = "JSON Schema of the structured answer ('data'); absent for text-only presets",
                type = SchemaType.OBJECT, nullable = true) JsonNode schema,
        @Schema(description = "Schema properties whose allowed values come from a comma-separated parameter",
                nullable = true) Map<String, String> schemaEnums,
        @Schema(description = "How the structured answer is rendered as text", nullable = true) String textTemplate,
        @Schema(description = "Default for 'maxTokens'", nullable = true) Integer maxTokens,
        @Schema(description = "Default for 'temperature'", nullable = true) Double temperature) {

    public boolean structured() {
        return schema != null;
    }
}
