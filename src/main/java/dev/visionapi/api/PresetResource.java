package dev.visionapi.api;

import java.util.Collection;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import dev.visionapi.analysis.Preset;
import dev.visionapi.analysis.PresetCatalog;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.security.ApiKeys;

@Path("/v1/presets")
@RolesAllowed(ApiKeys.ROLE)
@Tag(name = ApiDocument.PRESETS)
@SecurityRequirement(name = ApiDocument.BEARER)
@SecurityRequirement(name = ApiDocument.API_KEY_HEADER)
public class PresetResource {

    private final PresetCatalog presets;

    PresetResource(PresetCatalog presets) {
        this.presets = presets;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listPresets", summary = "List presets",
            description = "The ready-made tasks a request can name in its 'preset' field.")
    public Collection<Preset> list() {
        return presets.all();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getPreset", summary = "Get a preset",
            description = "One preset, with the JSON Schema of its answer when it has one.")
    @APIResponse(responseCode = "200", description = "The preset")
    @APIResponse(responseCode = "404", description = "No preset has this ID ('not-found')")
    public Preset get(@RestPath String id) {
        return presets.find(id)
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "No preset has the ID '%s'.".formatted(id)));
    }
}
