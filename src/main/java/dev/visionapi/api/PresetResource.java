package dev.visionapi.api;

import java.util.Collection;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.visionapi.analysis.Preset;
import dev.visionapi.analysis.PresetCatalog;

@Path("/v1/presets")
@Tag(name = "Presets")
public class PresetResource {

    private final PresetCatalog presets;

    PresetResource(PresetCatalog presets) {
        this.presets = presets;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List presets", description = "The ready-made tasks a request can name in its 'preset' field.")
    public Collection<Preset> list() {
        return presets.all();
    }
}
