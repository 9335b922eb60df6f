package dev.visionapi.analysis;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A ready-made task: a prompt template whose {@code {{name}}} placeholders are filled from its parameters. */
@Schema(name = "Preset")
public record Preset(
        @Schema(description = "Identifier to send as the 'preset' form field", examples = "caption") String id,
        @Schema(description = "Display name", examples = "Caption") String name,
        @Schema(description = "What the preset produces") String description,
        @Schema(description = "Prompt template sent to the model") String prompt,
        @Schema(description = "Values the template takes from the request") List<PresetParameter> parameters) {
}
