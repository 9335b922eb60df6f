package dev.visionapi.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.jboss.resteasy.reactive.multipart.FileUpload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.analysis.Analysis;
import dev.visionapi.analysis.AnalysisEvent;
import dev.visionapi.analysis.AnalysisRequest;
import dev.visionapi.analysis.AnalysisService;
import dev.visionapi.analysis.PreparedAnalysis;
import dev.visionapi.analysis.PresetAnalyses;
import dev.visionapi.cache.CacheDirectives;
import dev.visionapi.config.ImagesConfig;
import dev.visionapi.config.SourcesConfig;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.image.RequestImage;
import dev.visionapi.image.SampleCatalog;
import dev.visionapi.ops.AnalysisTelemetry;
import dev.visionapi.ops.RequestIds;
import dev.visionapi.ops.SourceMetrics;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.security.ApiKeys;
import dev.visionapi.sources.S3ImageReader;
import dev.visionapi.sources.UrlImageFetcher;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

@Path("/v1/analyses")
@RolesAllowed(ApiKeys.ROLE)
@WithinBudget
@Tag(name = ApiDocument.ANALYSES)
@SecurityRequirement(name = ApiDocument.BEARER)
@SecurityRequirement(name = ApiDocument.API_KEY_HEADER)
public class AnalysisResource {

    private static final String EVENT_STREAM_EXAMPLE = """
            event: delta
            data: {"text":"A tabby cat"}

            event: delta
            data: {"text":" on a windowsill."}

            event: done
            data: {"id":"0f8e2c5a-3b7d-4e61-9a0c-2d4f6b8e1a37","model":"us.anthropic.claude-sonnet-4-5-20250929-v1:0",\
            "preset":"caption","text":"A tabby cat on a windowsill.","data":null,"stopReason":"end_turn",\
            "usage":{"inputTokens":1612,"outputTokens":11,"totalTokens":1623,"estimatedCostUsd":0.005001},\
            "latencyMs":1830,"images":[{"mediaType":"image/png","width":451,"height":300,"originalWidth":451,\
            "originalHeight":300,"sizeBytes":224107,"originalSizeBytes":224107,"resized":false,"estimatedTokens":180}]}

            """;

    private final AnalysisService analyses;
    private final SampleCatalog samples;
    private final ObjectMapper json;
    private final AnalysisTelemetry telemetry;
    private final long maxFileBytes;
    private final UrlImageFetcher urls;
    private final S3ImageReader s3;
    private final SourceMetrics sourceMetrics;
    private final Duration fetchDeadline;
    @Inject
    AnalysisUsage usage;

    AnalysisResource(AnalysisService analyses, SampleCatalog samples, ObjectMapper json, AnalysisTelemetry telemetry,
            ImagesConfig images, UrlImageFetcher urls, S3ImageReader s3, SourceMetrics sourceMetrics,
            SourcesConfig sources) {
        this.urls = urls;
        this.s3 = s3;
        this.sourceMetrics = sourceMetrics;
        // The fetches' own deadlines, with a margin for the last bytes in flight when one passes.
        Duration longest = sources.url().timeout().compareTo(sources.s3().timeout()) > 0 ? sources.url().timeout()
                : sources.s3().timeout();
        this.fetchDeadline = longest.plusSeconds(1);
        this.analyses = analyses;
        this.maxFileBytes = images.maxFileBytes();
        this.telemetry = telemetry;
        this.samples = samples;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "analyse", summary = "Analyse images",
            description = """
                    Sends one or more images with a preset or your own prompt to a vision model on Amazon Bedrock \
                    and returns its answer with the token usage.

                    Send exactly one of 'preset' and 'prompt', and 'image' files, 'imageUrl' fields or one 'sample' ID. The same \
                    request can be sent as JSON (Content-Type: application/json), each image given by https URL, \
                    S3 URI, inline in base64 or as a sample ID; its validation errors name JSON paths such as 'images[2]'.

                    Images are recognised by their content: PNG, JPEG, GIF and WebP are sent as they are when their \
                    long edge is at most 1568 px and they are at most 3.75 MB; larger ones, EXIF-rotated JPEGs, BMP \
                    and TIFF are scaled down (aspect ratio kept), turned upright and re-encoded as JPEG (photos) or \
                    PNG (transparency, few colours), without metadata.

                    Limits (configurable): at most 20 images, each at most 20 MiB (413) and at most 50 megapixels \
                    and 30,000 px on a side (422, checked from the header before decoding); the whole request at \
                    most 100 MiB (413).

                    With 'Accept: text/event-stream' the answer is streamed as Server-Sent Events: 'delta' events \
                    with the text as it is generated, then one 'done' event with the whole analysis, or one 'error' \
                    event with a problem when the analysis fails after the stream began. A request that fails \
                    before the stream begins gets an ordinary problem response.

                    Answers are cached: the same images (by their bytes, however they arrive), instruction, model, \
                    maxTokens and temperature 0 are answered from the cache for a day (cache.ttl), with \
                    'cached': true, zero 'usage' and the original call's usage in 'cachedUsage'; a streamed one \
                    as one 'delta' and the 'done'. The request's 'Cache-Control: no-cache' (or 'max-age=0') skips \
                    the lookup, the fresh answer is stored for the requests after it; 'no-store' keeps the answer \
                    out of the cache.""")
    // Cache-Control is described above, not declared as a parameter: generated clients would gain an argument.
    @APIResponse(responseCode = "200", description = "The model's answer", content = {
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AnalysisResponse.class)),
        @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING,
                description = """
                        Server-Sent Events, sent when the request's Accept is text/event-stream. Each event has a \
                        name and one JSON 'data' line: 'delta' events carry the next piece of the answer's text \
                        as {"text": "..."}; then exactly one 'done' event carries the whole analysis (the Analysis \
                        schema), or one 'error' event a problem (the Problem schema) when the analysis failed \
                        after the stream began."""),
                examples = @ExampleObject(name = "caption", summary = "A streamed caption",
                        value = EVENT_STREAM_EXAMPLE))})
    @APIResponse(responseCode = "400", description = "Invalid request ('invalid-request'): missing image, neither or "
            + "both of preset and prompt, unknown preset or sample, missing preset parameter, out-of-range value, "
            + "model not allowed; or an image URL is not allowed ('source-forbidden': scheme, port, internal address, "
            + "too many redirects); or the model refused the request ('model-rejected-request')")
    @APIResponse(responseCode = "408", description = "The request body stopped arriving ('request-timeout')")
    @APIResponse(responseCode = "413", description = "An image or the whole request is too large ('payload-too-large')")
    @APIResponse(responseCode = "415", description = "Neither multipart/form-data nor JSON, or an image is not PNG, JPEG, GIF, "
            + "WebP, BMP or TIFF ('unsupported-media-type')")
    @APIResponse(responseCode = "422", description = "An image is damaged, truncated, has more pixels than allowed, "
            + "or is smaller than any complete image of its declared size ('unreadable-image')")
    @APIResponse(responseCode = "429", description = "This API key has used up its request rate, or this client "
            + "address has sent too many wrong keys or has as many analyses under way as it may ('rate-limited'); "
            + "or the key's monthly budget is used up ('budget-exceeded', until the next month begins, UTC); "
            + "see Retry-After")
    @APIResponse(responseCode = "404", description = "An s3:// image's object or bucket does not exist "
            + "('source-not-found')")
    @APIResponse(responseCode = "502", description = "Bedrock failed in a way the client cannot fix "
            + "('bedrock-access-denied', 'model-unavailable', 'bedrock-failed', 'model-output-invalid'), or an image "
            + "URL could not be fetched ('source-unreachable': lookup, connection or TLS failure, or a 4xx/5xx), or "
            + "S3 refused or failed an s3:// image ('source-access-denied', 'source-unreachable')")
    @APIResponse(responseCode = "503", description = "The service is at its in-flight or upload-memory limit, its "
            + "image decode queue is full, an image waited too long for it, or all URL fetches are busy "
            + "('overloaded'), or Bedrock keeps throttling ('bedrock-throttled') or is unavailable "
            + "('bedrock-unavailable'); see Retry-After")
    @APIResponse(responseCode = "504", description = "Bedrock did not answer within the deadline ('bedrock-timeout'), "
            + "or an image URL did not within sources.url.timeout ('source-timeout')")
    @RequestBody(required = true, content = {
        @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = AnalysisForm.class)),
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AnalysisBody.class))})
    public Uni<AnalysisResponse> analyse(@Valid @BeanParam AnalysisForm form, @Context RoutingContext routing,
            @Context SecurityContext security) {
        AdmissionFilter.bodyReceived(routing);
        return images(form, routing).chain(images -> answer(toRequest(form, images), routing, security));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true) // documented with the form: same operation, chosen by Content-Type
    // A worker thread: Jackson reads the body, base64 images of up to 20 MiB included, while the method is called.
    @Blocking
    public Uni<AnalysisResponse> analyseJson(@Valid @NotNull AnalysisBody body, @Context RoutingContext routing,
            @Context SecurityContext security) {
        AdmissionFilter.bodyReceived(routing);
        return images(body).chain(images -> answer(toRequest(body, images), routing, security));
    }

    private Uni<AnalysisResponse> answer(AnalysisRequest request, RoutingContext routing, SecurityContext security) {
        long started = System.nanoTime();
        String requestId = RequestIds.of(routing.request());
        AnalysisRequest.Summary summary = request.summary();
        Uni<AnalysisResponse> response = request.severalPresets()
                ? analyses.analyseAll(request, clientOf(routing, security), cacheDirectives(routing))
                        .invoke(all -> reportEach(requestId, security, summary, all, started))
                        .map(all -> AnalysisResponse.from(all, routing.request().path()))
                        .invoke(answered -> usage.record(security, answered))
                : analyses.analyse(request, clientOf(routing, security), cacheDirectives(routing))
                        .invoke(analysis -> report(requestId, security, analysis, started))
                        .map(AnalysisResponse::from)
                        .invoke(answered -> usage.record(security, answered));
        return response.onFailure().invoke(failure -> telemetry.failed(requestId, keyName(security), summary, failure,
                started));
    }

    private void report(String requestId, SecurityContext security, Analysis analysis, long started) {
        telemetry.succeeded(requestId, keyName(security), analysis, started);
        telemetry.imagesSent(analysis.images());
    }

    /** Each preset's answer or failure as an analysis of its own; the images once. */
    private void reportEach(String requestId, SecurityContext security, AnalysisRequest.Summary summary,
            PresetAnalyses all, long started) {
        for (PresetAnalyses.Outcome outcome : all.outcomes()) {
            if (outcome.failure() == null) {
                telemetry.succeeded(requestId, keyName(security), outcome.analysis(), started);
            } else {
                telemetry.failed(requestId, keyName(security), new AnalysisRequest.Summary(
                        List.of(outcome.presetId()), summary.model(), summary.imageCount()), outcome.failure(), started);
            }
        }
        telemetry.imagesSent(all.images());
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(hidden = true) // documented with the JSON variant: same operation, chosen by Accept
    // A worker thread: the images are prepared before the method returns, because once the stream is returned its
    // headers are sent, and check and image failures must still be ordinary problem responses.
    @Blocking
    public Multi<OutboundSseEvent> analyseStreaming(@Valid @BeanParam AnalysisForm form,
            @Context RoutingContext routing, @Context Sse sse, @Context UriInfo uri, @Context SecurityContext security) {
        AdmissionFilter.bodyReceived(routing);
        // Waits on this worker thread for images by URL, as for the JSON variant below.
        List<RequestImage> images = images(form, routing).await().atMost(fetchDeadline);
        return stream(toRequest(form, images), routing, sse, uri, security);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(hidden = true) // documented with the form's JSON variant: same operation, chosen by Accept
    @Blocking
    public Multi<OutboundSseEvent> analyseJsonStreaming(@Valid @NotNull AnalysisBody body,
            @Context RoutingContext routing, @Context Sse sse, @Context UriInfo uri, @Context SecurityContext security) {
        AdmissionFilter.bodyReceived(routing);
        // Waits on this worker thread, as the preparation below does, so that a failed fetch is an ordinary problem
        // response; each fetch ends within sources.url.timeout or sources.s3.timeout.
        List<RequestImage> images = images(body).await().atMost(fetchDeadline);
        return stream(toRequest(body, images), routing, sse, uri, security);
    }

    /** Prepares the analysis on this worker thread, so that its failures are ordinary problems, then streams it. */
    private Multi<OutboundSseEvent> stream(AnalysisRequest request, RoutingContext routing, Sse sse, UriInfo uri,
            SecurityContext security) {
        long started = System.nanoTime();
        String requestId = RequestIds.of(routing.request());
        AnalysisRequest.Summary summary = request.summary();
        List<PreparedAnalysis> prepared;
        try {
            prepared = analyses.prepareAll(request, clientOf(routing, security));
        } catch (RuntimeException e) {
            telemetry.failed(requestId, keyName(security), summary, e, started);
            throw e;
        }
        String instance = routing.request().path();
        Multi<AnalysisEvent> events = request.severalPresets() ? analyses.streamAll(prepared, cacheDirectives(routing))
                : analyses.stream(prepared.get(0), cacheDirectives(routing));
        return events
                .onItem().invoke(event -> {
                    if (event instanceof AnalysisEvent.Done done) {
                        report(requestId, security, done.analysis(), started);
                    } else if (event instanceof AnalysisEvent.AllDone done) {
                        reportEach(requestId, security, summary, done.analyses(), started);
                    }
                })
                .onFailure().invoke(failure -> telemetry.failed(requestId, keyName(security), summary, failure, started))
                .map(event -> sseEvent(sse, event, instance, security))
                .onFailure().recoverWithItem(failure -> {
                    ProblemException problem = ProblemMappers.asProblem(failure);
                    return sseEvent(sse, "error", Problem.of(problem.type(), problem.getMessage(),
                            ProblemMappers.instance(uri)));
                });
    }

    private AnalysisResponse recorded(SecurityContext security, AnalysisResponse response) {
        usage.record(security, response);
        return response;
    }

    /** The data of a {@code delta} event; {@code preset} only when the request named several. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TextDelta(String preset, String text) {
    }

    /** The event as SSE; the {@code done} event's usage is recorded for the key. */
    private OutboundSseEvent sseEvent(Sse sse, AnalysisEvent event, String instance, SecurityContext security) {
        if (event instanceof AnalysisEvent.Done done) {
            return sseEvent(sse, "done", recorded(security, AnalysisResponse.from(done.analysis())));
        }
        if (event instanceof AnalysisEvent.AllDone done) {
            return sseEvent(sse, "done", recorded(security, AnalysisResponse.from(done.analyses(), instance)));
        }
        AnalysisEvent.Delta delta = (AnalysisEvent.Delta) event;
        return sseEvent(sse, "delta", new TextDelta(delta.presetId(), delta.text()));
    }

    private OutboundSseEvent sseEvent(Sse sse, String name, Object data) {
        try {
            return sse.newEventBuilder().name(name).data(json.writeValueAsString(data)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event data cannot be written as JSON", e);
        }
    }

    private AnalysisRequest toRequest(AnalysisForm form, List<RequestImage> images) {
        Map<String, String> parameters = new HashMap<>();
        putIfPresent(parameters, "question", form.question);
        putIfPresent(parameters, "language", form.language);
        putIfPresent(parameters, "categories", form.categories);
        putIfPresent(parameters, "text", form.text);
        return new AnalysisRequest(images, presets(form.presets), present(form.prompt), present(form.model),
                Optional.ofNullable(form.maxTokens), Optional.ofNullable(form.temperature), parameters);
    }

    /**
     * The form's images: files, URLs (fetched side by side) or a sample. One kind per form, because the REST layer
     * keeps the order of the parts of one name only; a JSON request can mix them in any order.
     */
    private Uni<List<RequestImage>> images(AnalysisForm form, RoutingContext routing) {
        List<ImageUpload> uploads = uploads(form, routing);
        List<String> urls = form.imageUrls.stream().filter(url -> url != null && !url.isBlank()).toList();
        Optional<String> sampleId = present(form.sample);
        if (!urls.isEmpty() && (!uploads.isEmpty() || sampleId.isPresent())) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "Send 'image' files, 'imageUrl' fields or a "
                    + "'sample' ID, one kind per form; a JSON request can mix them in any order.");
        }
        if (!urls.isEmpty()) {
            boolean modelReadsS3 = analyses.readsImagesFromS3(present(form.model));
            List<Uni<RequestImage>> fetches = new ArrayList<>(urls.size());
            for (int i = 0; i < urls.size(); i++) {
                String url = urls.get(i).strip();
                fetches.add(url.startsWith("s3://") ? fromS3(url, modelReadsS3)
                        : fetched(url, "imageUrl[" + i + "]"));
            }
            return Uni.join().all(fetches).andFailFast();
        }
        if (sampleId.isEmpty()) {
            return Uni.createFrom().item(List.copyOf(uploads));
        }
        if (!uploads.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "Send either 'image' files or a 'sample' ID, not both.");
        }
        return Uni.createFrom().item(List.<RequestImage>of(sample(sampleId.get())));
    }

    private ImageUpload sample(String id) {
        return samples.find(id).orElseThrow(() -> new ProblemException(ProblemType.INVALID_REQUEST,
                "Unknown sample '%s'. GET /v1/samples lists them.".formatted(id)));
    }

    /** A JSON request's images in their order, those given by URL fetched at once, side by side. */
    private Uni<List<RequestImage>> images(AnalysisBody body) {
        boolean modelReadsS3 = analyses.readsImagesFromS3(present(body.model()));
        List<Uni<RequestImage>> images = new ArrayList<>(body.images().size());
        for (int i = 0; i < body.images().size(); i++) {
            AnalysisBody.Image image = body.images().get(i);
            String path = "images[" + i + "]";
            if (present(image.url()).isPresent()) {
                images.add(fetched(image.url(), path + ".url"));
            } else if (present(image.s3()).isPresent()) {
                images.add(fromS3(image.s3().strip(), modelReadsS3));
            } else {
                images.add(Uni.createFrom().<RequestImage>item(image(image, path)));
            }
        }
        return Uni.join().all(images).andFailFast();
    }

    /**
     * The S3 object at {@code uri}: for a model that reads images from S3 itself, a reference when it needs no
     * preparation; else downloaded.
     */
    private Uni<RequestImage> fromS3(String uri, boolean modelReadsS3) {
        return sourceMetrics.timed("s3",
                modelReadsS3 ? s3.referOrRead(uri) : s3.read(uri).onItem().castTo(RequestImage.class));
    }

    /** The image at {@code url}, named {@code field} in problems. */
    private Uni<RequestImage> fetched(String url, String field) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return Uni.createFrom().failure(new ProblemException(ProblemType.INVALID_REQUEST,
                    "'%s' is not a URL.".formatted(field)));
        }
        return sourceMetrics.timed("url", urls.fetch(uri).onItem().castTo(RequestImage.class));
    }

    private AnalysisRequest toRequest(AnalysisBody body, List<RequestImage> images) {
        Map<String, String> parameters = new HashMap<>();
        if (body.parameters() != null) {
            body.parameters().forEach((name, value) -> putIfPresent(parameters, name, value));
        }
        List<String> presets = presets(body.presets() == null ? List.of() : body.presets());
        if (present(body.preset()).isPresent() && !presets.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "Send 'preset' or 'presets', not both.");
        }
        return new AnalysisRequest(images, present(body.preset()).map(List::of).orElse(presets), present(body.prompt()),
                present(body.model()), Optional.ofNullable(body.maxTokens()), Optional.ofNullable(body.temperature()),
                parameters);
    }

    /** A JSON request's inline or sample image (validated: exactly one source), named by its JSON path in problems. */
    private ImageUpload image(AnalysisBody.Image image, String path) {
        Optional<String> sampleId = present(image.sample());
        if (sampleId.isPresent()) {
            return sample(sampleId.get());
        }
        String base64 = image.base64();
        // Four base64 characters carry three bytes: an image over the limit is refused before it is decoded.
        if (base64.length() / 4L * 3 > maxFileBytes + 2) {
            throw tooLarge(path);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "'%s.base64' is not valid base64 (RFC 4648, no line breaks).".formatted(path));
        }
        if (bytes.length > maxFileBytes) {
            throw tooLarge(path);
        }
        return new InlineImage(path, bytes);
    }

    private ProblemException tooLarge(String name) {
        return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE,
                "'%s' is larger than %d bytes, the limit per image.".formatted(name, maxFileBytes));
    }

    /** An image sent inline in a JSON request, decoded. */
    private record InlineImage(String name, byte[] bytes) implements ImageUpload {
    }

    /**
     * The image files, each within {@code images.max-file-bytes}; an empty part without a file name (a browser form
     * with no file chosen) is no image.
     */
    private List<ImageUpload> uploads(AnalysisForm form, RoutingContext routing) {
        deleteIfTheConnectionCloses(form.images, routing);
        List<ImageUpload> uploads = new ArrayList<>(form.images.size());
        for (FileUpload upload : form.images) {
            if (upload.size() == 0 && (upload.fileName() == null || upload.fileName().isBlank())) {
                continue;
            }
            if (upload.size() > maxFileBytes) {
                throw tooLarge(upload.fileName());
            }
            uploads.add(new UploadedImage(upload));
        }
        return uploads;
    }

    /**
     * The REST layer deletes the uploaded files when it completes the response, which it does not when the client
     * goes away while the analysis runs: then they are deleted here, without blocking the event loop.
     */
    private static void deleteIfTheConnectionCloses(List<FileUpload> files, RoutingContext routing) {
        if (files.isEmpty()) {
            return;
        }
        routing.addEndHandler(ended -> {
            if (!routing.response().ended()) {
                files.forEach(file -> routing.vertx().fileSystem().delete(file.uploadedFile().toString()));
            }
        });
    }

    /** What the request's {@code Cache-Control} asks of the result cache. */
    private static CacheDirectives cacheDirectives(RoutingContext routing) {
        return CacheDirectives.of(String.join(",", routing.request().headers().getAll("Cache-Control")));
    }

    /** The name of the request's API key for the log, or null when keys are off. */
    private static String keyName(SecurityContext security) {
        Principal key = security.getUserPrincipal();
        return key == null || key.getName().isEmpty() ? null : key.getName();
    }

    /**
     * Who shares the image decode queue fairly with the others: the API key's name when keys are on, else the client
     * address (the proxy's, unless {@code quarkus.http.proxy.proxy-address-forwarding} is set).
     */
    private static String clientOf(RoutingContext routing, SecurityContext security) {
        String key = keyName(security);
        if (key != null) {
            return "key " + key;
        }
        SocketAddress address = routing.request().remoteAddress();
        return "address " + (address == null ? "" : address.hostAddress());
    }

    /** The preset IDs given, blank ones left out, stripped. */
    private static List<String> presets(List<String> ids) {
        return ids.stream().filter(id -> id != null && !id.isBlank()).map(String::strip).toList();
    }

    private static Optional<String> present(String value) {
        return Optional.ofNullable(value).filter(text -> !text.isBlank());
    }

    private static void putIfPresent(Map<String, String> parameters, String name, String value) {
        present(value).ifPresent(text -> parameters.put(name, text));
    }
}
