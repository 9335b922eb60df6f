package dev.visionapi.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.visionapi.bedrock.ModelCatalog;
import dev.visionapi.security.ApiKeys;

@Path("/v1/models")
@RolesAllowed(ApiKeys.ROLE)
@Tag(name = ApiDocument.MODELS)
@SecurityRequirement(name = ApiDocument.BEARER)
@SecurityRequirement(name = ApiDocument.API_KEY_HEADER)
public class ModelResource {

    private final ModelCatalog models;

    ModelResource(ModelCatalog models) {
        this.models = models;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listModels", summary = "List models",
            description = "The models a request may name in its 'model' field, the default first.")
    public List<ModelInfo> list() {
        return models.allowed().stream().map(model -> ModelInfo.from(model, model.equals(models.defaultModel()))).toList();
    }
}
