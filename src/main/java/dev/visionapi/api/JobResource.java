package dev.visionapi.api;

import java.net.URI;
import java.security.Principal;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.visionapi.jobs.JobService;
import dev.visionapi.jobs.ResultLines;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.security.ApiKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** Jobs: many images analysed in the background. A job belongs to the API key that created it. */
@Path("/v1/jobs")
@RolesAllowed(ApiKeys.ROLE)
@Tag(name = ApiDocument.JOBS)
@SecurityRequirement(name = ApiDocument.BEARER)
@SecurityRequirement(name = ApiDocument.API_KEY_HEADER)
public class JobResource {

    private static final String UNAVAILABLE = "The service has no jobs database ('jobs-unavailable': the detail "
            + "names the property to set), or the database did not answer; see Retry-After";
    private static final String NOT_FOUND = "No job of this API key has this ID ('job-not-found')";
    private static final String RESULTS_EXAMPLE = """
            {"index":0,"source":"s3://my-bucket/photos/cat.png","status":"succeeded","text":"A tabby cat on a \
            windowsill.","usage":{"inputTokens":1612,"outputTokens":11,"totalTokens":1623,"estimatedCostUsd":0.005001}}
            {"index":1,"source":"s3://my-bucket/photos/notes.png","status":"failed","problem":{"type":\
            "urn:visionapi:problem:unreadable-image","title":"Image cannot be read","status":422,"detail":\
            "The image is damaged or truncated."}}
            """;

    private final JobService jobs;

    JobResource(JobService jobs) {
        this.jobs = jobs;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createJob", summary = "Create a job",
            description = """
                    Queues one analysis per image: every object under an S3 prefix whose key ends in an image \
                    extension (at most jobs.max-items, 100,000 by default), or a list of images by https URL, S3 URI or \
                    sample ID. The request is checked as POST /v1/analyses checks it (preset or prompt, parameters, \
                    model, allowed sources) before anything is queued; validation errors name JSON paths such as \
                    'source.images[2]'. A prefix is listed in the background: the job is answered at once with \
                    counts.total 0 and engine null; total grows as the prefix is listed, and the engine is chosen \
                    once it is. A prefix that holds no image or more than jobs.max-items, or whose listing S3 \
                    refuses, makes the job failed, with its problem. Each image is then analysed as POST /v1/analyses would analyse it; an image \
                    that fails becomes a failed result with its problem, and the job goes on. On the bedrock-batch \
                    engine the images are prepared the same way, written as Converse records under \
                    jobs.batch.staging and run as Bedrock model invocation jobs; records Bedrock fails, or does not \
                    answer, become failed results. Follow the job at its Location.""")
    @APIResponse(responseCode = "202", description = "The job, queued",
            headers = @Header(name = "Location", description = "The job's URL", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid request ('invalid-request'): no or both of preset and "
            + "prompt, unknown preset or sample, missing preset parameter, model not allowed, 'bedrock-batch' on "
            + "an instance without jobs.batch.staging and jobs.batch.role-arn or with a model without batch support, a "
            + "list of more images than jobs.max-items; or a bucket the service may not use ('source-forbidden')")
    @APIResponse(responseCode = "429", description = "This API key has used up its request rate, or this client "
            + "address has sent too many wrong keys ('rate-limited'); or the key's monthly budget is used up "
            + "('budget-exceeded', until the next month begins, UTC; jobs created before go on); see Retry-After")
    @APIResponse(responseCode = "503", description = UNAVAILABLE)
    @WithinBudget
    public Uni<Response> create(@Valid @NotNull JobBody body, @Context RoutingContext routing,
            @Context SecurityContext security) {
        AdmissionFilter.bodyReceived(routing);
        return jobs.create(body.spec(), body.engine(), body.jobSource(), owner(security))
                .map(job -> Response.accepted(JobResponse.from(job))
                        .location(URI.create("/v1/jobs/" + job.id())).build());
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listJobs", summary = "List jobs",
            description = "The jobs of the caller's API key (all jobs when the service has no keys), newest first.")
    @APIResponse(responseCode = "200", description = "A page of jobs")
    @APIResponse(responseCode = "400", description = "A cursor this service did not give out ('invalid-request')")
    @APIResponse(responseCode = "503", description = UNAVAILABLE)
    public Uni<JobListResponse> list(
            @Parameter(description = "Most jobs on the page") @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500)
            int limit,
            @Parameter(description = "The 'next' of the previous page") @QueryParam("cursor") String cursor,
            @Context SecurityContext security) {
        return jobs.list(owner(security), limit, cursor).map(JobListResponse::from);
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getJob", summary = "Get a job", description = "The job's status, counts and usage so far.")
    @APIResponse(responseCode = "200", description = "The job")
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    @APIResponse(responseCode = "503", description = UNAVAILABLE)
    public Uni<JobResponse> get(@PathParam("id") String id, @Context SecurityContext security) {
        return jobs.get(jobId(id), owner(security)).map(JobResponse::from);
    }

    @GET
    @Path("/{id}/results")
    @Produces(ResultLines.MEDIA_TYPE)
    @Operation(operationId = "getJobResults", summary = "Get a job's results",
            description = """
                    The finished items in item order, one JSON object per line: 'index', 'source', 'status' \
                    ('succeeded' or 'failed'), and 'text', 'data' (structured presets) and 'usage', or 'problem' (the \
                    problem POST /v1/analyses would have answered for that image). Page with 'after' (the last index \
                    seen) and 'limit'.""")
    // The example is in the description: the OpenAPI scanner would read an example's first line as the whole value.
    @APIResponse(responseCode = "200", description = "Results as NDJSON", content = @Content(
            mediaType = ResultLines.MEDIA_TYPE, schema = @Schema(type = SchemaType.STRING, format = "binary",
                    description = "One JSON object per line, e.g. a succeeded and a failed item:\n\n```\n"
                            + RESULTS_EXAMPLE + "```")))
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    @APIResponse(responseCode = "503", description = UNAVAILABLE)
    public Uni<String> results(@PathParam("id") String id,
            @Parameter(description = "Only items with a greater index") @QueryParam("after") @DefaultValue("-1")
            @Min(-1) int after,
            @Parameter(description = "Most lines") @QueryParam("limit") @DefaultValue("1000") @Min(1) @Max(10000)
            int limit,
            @Context SecurityContext security) {
        return jobs.results(jobId(id), owner(security), after, limit);
    }

    @DELETE
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "cancelJob", summary = "Cancel a job",
            description = "Cancels the job: its pending items are not run (those under way finish). A batch job's "
                    + "Bedrock jobs are stopped; answers Bedrock gave before it stopped are kept. A job that has "
                    + "ended is left as it is.")
    @APIResponse(responseCode = "200", description = "The job, cancelled or as it ended")
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    @APIResponse(responseCode = "503", description = UNAVAILABLE)
    public Uni<JobResponse> cancel(@PathParam("id") String id, @Context SecurityContext security) {
        return jobs.cancel(jobId(id), owner(security)).map(JobResponse::from);
    }

    private static UUID jobId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.JOB_NOT_FOUND, "There is no job " + id + ".");
        }
    }

    /** The API key's name, or null when keys are off. */
    private static String owner(SecurityContext security) {
        Principal key = security.getUserPrincipal();
        return key == null || key.getName().isEmpty() ? null : key.getName();
    }
}
