package dev.visionapi.analysis;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A value a preset's prompt template takes from the request, by the form field of the same name. */
@Schema(name = "PresetParameter")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PresetParameter(
        @Schema(description = "Form field that carries the value", examples = "question") String name,
        @Schema(description = "Whether the request must send it") boolean required,
        @Schema(description = "Value used when the request sends none", nullable = true) String defaultValue,
        @Schema(description = "Longest accepted value, in characters") int maxLength,
        @Schema(description = "What the value means") String description) {
}
