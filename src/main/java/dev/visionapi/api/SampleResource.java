package dev.visionapi.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import dev.visionapi.image.Sample;
import dev.visionapi.image.SampleCatalog;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.security.ApiKeys;

@Path("/v1/samples")
@RolesAllowed(ApiKeys.ROLE)
@Tag(name = ApiDocument.SAMPLES)
@SecurityRequirement(name = ApiDocument.BEARER)
@SecurityRequirement(name = ApiDocument.API_KEY_HEADER)
public class SampleResource {

    private final SampleCatalog samples;

    SampleResource(SampleCatalog samples) {
        this.samples = samples;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listSamples", summary = "List sample images",
            description = "Built-in images a request can name in its 'sample' field.")
    public List<SampleInfo> list() {
        return samples.all().stream().map(SampleInfo::from).toList();
    }

    // No @Produces: the image is served whatever the Accept header says. Generated clients send the operation's
    // error type (application/problem+json) or */*, and a 406 for a picture helps no one.
    @GET
    @Path("/{id}")
    @Operation(operationId = "getSample", summary = "Get a sample image",
            description = "The image's bytes, in its own media type whatever the request's Accept says.")
    @APIResponse(responseCode = "200", description = "The image",
            content = {@Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")),
                @Content(mediaType = "image/jpeg", schema = @Schema(type = SchemaType.STRING, format = "binary"))})
    @APIResponse(responseCode = "404", description = "No sample has this ID ('not-found')")
    public Response get(@RestPath String id) {
        Sample sample = samples.find(id)
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "No sample has the ID '%s'.".formatted(id)));
        return Response.ok(sample.content(), sample.format().mediaType())
                .header("Cache-Control", "public, max-age=86400")
                .build();
    }
}
