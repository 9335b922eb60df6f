package dev.visionapi.api;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The OpenAPI schema of one preset ID in a list of them; never instantiated. */
@Schema(name = "PresetId", type = SchemaType.STRING, maxLength = 100, description = "ID of a preset (GET /v1/presets)",
        examples = "caption")
final class PresetId {

    private PresetId() {
    }
}
