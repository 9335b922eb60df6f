package dev.visionapi.bedrock;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.visionapi.image.ImageLocation;
import dev.visionapi.image.PreparedImage;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import mutiny.zero.flow.adapters.AdaptersToFlow;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.CachePointBlock;
import software.amazon.awssdk.services.bedrockruntime.model.CachePointType;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.S3Location;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.JsonSchemaDefinition;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.OutputConfig;
import software.amazon.awssdk.services.bedrockruntime.model.OutputFormat;
import software.amazon.awssdk.services.bedrockruntime.model.OutputFormatStructure;
import software.amazon.awssdk.services.bedrockruntime.model.OutputFormatType;
import software.amazon.awssdk.services.bedrockruntime.model.SpecificToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;

/** The one place that calls Bedrock: Converse or ConverseStream per analysis, bridged lazily into Mutiny. */
@ApplicationScoped
public class BedrockConverseClient {

    /** The one tool a structured call offers, and forces: its input is the answer. */
    static final String RESULT_TOOL = "record_result";
    /** The name Bedrock is given for the answer's schema in native structured output. */
    static final String SCHEMA_NAME = "result";
    private static final ContentBlock CACHE_POINT = ContentBlock.fromCachePoint(CachePointBlock.builder()
            .type(CachePointType.DEFAULT).build());
    private static final String MODEL_ATTRIBUTE = "gen_ai.request.model";
    /** Ends the JSON-only system prompt, right before the schema; the emulator finds the schema after it. */
    public static final String JSON_SCHEMA_MARKER = "valid against this JSON Schema: ";
    private static final String JSON_ONLY = "Answer with a single JSON object and nothing else: no prose, no code "
            + "fence. It must be " + JSON_SCHEMA_MARKER;

    /**
     * The system prompt that asks a model without tool use (or a batch record, which may not use tools) for JSON
     * valid against the schema.
     */
    public static String jsonOnlyInstruction(JsonNode schema) {
        return JSON_ONLY + schema;
    }

    private final BedrockRuntimeAsyncClient client;
    private final BedrockErrorTranslator errors;

    private final ObjectMapper json;
    private final MeterRegistry registry;
    private final ModelCircuitBreakers breakers;

    BedrockConverseClient(BedrockRuntimeAsyncClient client, BedrockErrorTranslator errors, ObjectMapper json,
            MeterRegistry registry, ModelCircuitBreakers breakers) {
        this.breakers = breakers;
        this.client = client;
        this.errors = errors;
        this.json = json;
        this.registry = registry;
    }

    /** The model's answer to one Converse call. */
    @WithSpan("bedrock converse")
    public Uni<ModelAnswer> converse(ModelCall call) {
        String modelId = call.modelId();
        Optional<JsonNode> outputSchema = call.outputSchema();
        // The model only: prompts and images never go into traces.
        Span.current().setAttribute(MODEL_ATTRIBUTE, modelId);
        ConverseRequest request = toRequest(call, json);
        long started = System.nanoTime();
        return breakers.guard(modelId, () -> Uni.createFrom().completionStage(() -> client.converse(request))
                .map(response -> toAnswer(outputSchema, response))
                .onFailure().transform(failure -> errors.translate(failure, modelId))
                .onTermination().invoke((answer, failure, cancelled) -> record(modelId, "converse", failure, started)));
    }

    /** Bedrock's share of the latency, by model, operation and outcome. */
    private void record(String modelId, String operation, Throwable failure, long startedNanos) {
        Timer.builder("bedrock.call.duration").description("Bedrock call latency").publishPercentileHistogram()
                .tags("model", modelId, "operation", operation, "outcome", failure == null ? "ok" : "error")
                .register(registry).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The answer as ConverseStream delivers it: text deltas in order, then {@link ModelStreamEvent.Completed} once.
     * Demand from the subscriber reaches the SDK's event publisher; cancelling the subscription cancels the Bedrock
     * call. The SDK's {@code apiCallTimeout} ({@code bedrock.timeout}) bounds the whole stream. A stream whose connection fails before its
     * first event is tried once more: a pooled connection can close under a new request, and the SDK retries only
     * requests, not event streams.
     */
    @WithSpan("bedrock converse-stream")
    public Multi<ModelStreamEvent> converseStream(ModelCall call) {
        Span.current().setAttribute(MODEL_ATTRIBUTE, call.modelId());
        AtomicBoolean received = new AtomicBoolean();
        long started = System.nanoTime();
        return Multi.createFrom().deferred(() -> {
            StreamAssembler assembler = new StreamAssembler();
            CompletableFuture<SdkPublisher<ConverseStreamOutput>> events = new CompletableFuture<>();
            CompletableFuture<Void> streaming = client.converseStream(toStreamRequest(call, json),
                    ConverseStreamResponseHandler.builder().onEventStream(events::complete).build());
            // The handler hears of every failed attempt, even those the SDK retries; the call's future fails only
            // when the SDK has given up, so failures before the event stream opens are taken from there.
            streaming.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    events.completeExceptionally(failure);
                }
            });
            Multi<ModelStreamEvent> deltas = Uni.createFrom().completionStage(events)
                    .onItem().transformToMulti(publisher -> Multi.createFrom().publisher(AdaptersToFlow.publisher(publisher)))
                    .onItem().invoke(() -> received.set(true))
                    .onItem().transformToIterable(assembler::accept)
                    // When the SDK ends a call (its deadline), the event stream only learns that its request was
                    // cancelled; the call's own failure says why.
                    .onFailure().transform(failure -> streaming.isCompletedExceptionally()
                            ? streaming.handle((ignored, cause) -> cause).getNow(failure) : failure);
            return Multi.createBy().concatenating()
                    .streams(deltas, Multi.createFrom().item(assembler::completed));
        }).onFailure(failure -> !received.get() && BedrockErrorTranslator.isConnectionFailure(failure))
                .retry().atMost(1)
                .onFailure().transform(failure -> errors.translate(failure, call.modelId()))
                .onTermination().invoke((failure, cancelled) -> record(call.modelId(), "converse-stream", failure, started));
    }

    /** The Converse request of the call, for ConverseStream: the same fields, images included. */
    private static ConverseStreamRequest toStreamRequest(ModelCall call, ObjectMapper json) {
        ConverseRequest converse = toRequest(call, json);
        return ConverseStreamRequest.builder()
                .modelId(converse.modelId())
                .messages(converse.messages())
                .inferenceConfig(converse.inferenceConfig())
                .system(converse.system())
                .toolConfig(converse.toolConfig())
                .outputConfig(converse.outputConfig())
                .build();
    }

    /**
     * The Converse request of the call. A structured answer is asked for with native structured output when the model
     * has it, with a forced tool call when it has tool use, and with the JSON-only system prompt otherwise.
     */
    private static ConverseRequest toRequest(ModelCall call, ObjectMapper json) {
        ConverseRequest.Builder request = ConverseRequest.builder()
                .modelId(call.modelId())
                .messages(message(call))
                .inferenceConfig(inference(call));
        ModelProfile model = call.model();
        call.outputSchema().ifPresent(schema -> {
            if (model.supportsOutputSchema()) {
                request.outputConfig(outputConfig(schema, json));
            } else if (model.supportsStructuredOutput()) {
                request.toolConfig(forcedTool(schema));
            }
        });
        List<SystemContentBlock> system = system(call);
        if (!system.isEmpty()) {
            request.system(system);
        }
        return request.build();
    }

    /** Converse's native structured output: the answer's text is JSON valid against the schema. */
    private static OutputConfig outputConfig(JsonNode schema, ObjectMapper json) {
        String text;
        try {
            text = json.writeValueAsString(schema); // Bedrock takes the schema as a JSON string
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A preset's schema is a JSON tree, always writable", e);
        }
        return OutputConfig.builder().textFormat(OutputFormat.builder()
                .type(OutputFormatType.JSON_SCHEMA)
                .structure(OutputFormatStructure.fromJsonSchema(JsonSchemaDefinition.builder()
                        .name(SCHEMA_NAME).schema(text).build()))
                .build()).build();
    }

    /** The one tool the model is offered and made to call; its input is the answer. */
    private static ToolConfiguration forcedTool(JsonNode schema) {
        return ToolConfiguration.builder()
                .tools(Tool.fromToolSpec(ToolSpecification.builder()
                        .name(RESULT_TOOL)
                        .description("Records the answer, in the structure the caller needs.")
                        .inputSchema(ToolInputSchema.fromJson(JsonDocuments.toDocument(schema)))
                        .build()))
                .toolChoice(ToolChoice.fromTool(SpecificToolChoice.builder().name(RESULT_TOOL).build()))
                .build();
    }

    /**
     * The call's system prompt, then, for a structured answer from a model with neither native structured output nor
     * tool use, the JSON-only one.
     */
    private static List<SystemContentBlock> system(ModelCall call) {
        List<SystemContentBlock> system = new ArrayList<>();
        call.system().ifPresent(text -> system.add(SystemContentBlock.fromText(text)));
        call.outputSchema().filter(schema -> !call.model().supportsOutputSchema()
                        && !call.model().supportsStructuredOutput())
                .ifPresent(schema -> system.add(SystemContentBlock.fromText(jsonOnlyInstruction(schema))));
        return system;
    }

    /**
     * The user turn: the images, then the prompt. When the model caches prompts and the images are long enough for a
     * cache point, one follows them, so that the next call with the same images (another preset, the retry of a
     * structured answer) reads them from Bedrock's cache instead of paying for them again. The system prompt comes
     * before the messages, so only calls with the same system prompt (and tools) share the cached images.
     */
    private static Message message(ModelCall call) {
        List<ContentBlock> content = new ArrayList<>(call.images().size() + 2);
        long imageTokens = 0;
        for (PreparedImage image : call.images()) {
            content.add(ContentBlock.fromImage(ImageBlock.builder()
                    .format(image.format().formatName())
                    .source(source(image))
                    .build()));
            imageTokens += image.summary().estimatedTokens();
        }
        if (call.cacheImages() && call.model().cachesPrefixOf(imageTokens)) {
            content.add(CACHE_POINT);
        }
        content.add(ContentBlock.fromText(call.prompt()));
        return Message.builder().role(ConversationRole.USER).content(content).build();
    }

    /** The image's bytes, or the S3 object the model reads it from itself. */
    private static ImageSource source(PreparedImage image) {
        if (image.location().isPresent()) {
            ImageLocation location = image.location().get();
            return ImageSource.fromS3Location(S3Location.builder().uri(location.uri())
                    .bucketOwner(location.bucketOwner().orElse(null)).build());
        }
        // The prepared bytes are never changed after preparation, so the SDK may use them without a copy.
        return ImageSource.fromBytes(SdkBytes.fromByteArrayUnsafe(image.bytes()));
    }

    private static InferenceConfiguration inference(ModelCall call) {
        return InferenceConfiguration.builder().maxTokens(call.maxTokens()).temperature(call.temperature()).build();
    }

    private ModelAnswer toAnswer(Optional<JsonNode> outputSchema, ConverseResponse response) {
        List<ContentBlock> content = response.output().message().content();
        String text = content.stream().map(ContentBlock::text).filter(Objects::nonNull).collect(Collectors.joining());
        JsonNode data = null;
        if (outputSchema.isPresent()) {
            data = content.stream().map(ContentBlock::toolUse).filter(Objects::nonNull)
                    .filter(use -> RESULT_TOOL.equals(use.name()))
                    .map(use -> JsonDocuments.toJson(use.input()))
                    .findFirst()
                    .orElseGet(() -> JsonInText.objectIn(json, text));
        }
        ModelAnswer.TokenUsage tokens = tokens(response.usage());
        return new ModelAnswer(text, data, response.stopReasonAsString(), tokens);
    }

    /** Bedrock's counts as it reported them, the prompt cache's included; all null when it reported none. */
    static ModelAnswer.TokenUsage tokens(TokenUsage usage) {
        return usage == null ? new ModelAnswer.TokenUsage(null, null, null, null, null)
                : new ModelAnswer.TokenUsage(usage.inputTokens(), usage.outputTokens(), usage.totalTokens(),
                        usage.cacheReadInputTokens(), usage.cacheWriteInputTokens());
    }
}
