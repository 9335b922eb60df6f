package dev.visionapi.bedrock;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.image.PreparedImage;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import mutiny.zero.flow.adapters.AdaptersToFlow;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/** The one place that calls Bedrock: Converse or ConverseStream per analysis, bridged lazily into Mutiny. */
@ApplicationScoped
public class BedrockConverseClient {

    private final BedrockRuntimeAsyncClient client;
    private final BedrockErrorTranslator errors;

    BedrockConverseClient(BedrockRuntimeAsyncClient client, BedrockErrorTranslator errors) {
        this.client = client;
        this.errors = errors;
    }

    public Uni<ModelAnswer> converse(ModelCall call) {
        ConverseRequest request = toRequest(call);
        return Uni.createFrom().completionStage(() -> client.converse(request))
                .map(BedrockConverseClient::toAnswer)
                .onFailure().transform(failure -> errors.translate(failure, call.modelId()));
    }

    /**
     * The answer as ConverseStream delivers it: text deltas in order, then {@link ModelStreamEvent.Completed} once.
     * Demand from the subscriber reaches the SDK's event publisher; cancelling the subscription cancels the Bedrock
     * call. The SDK's {@code apiCallTimeout} ({@code bedrock.timeout}) bounds the whole stream. A stream whose connection fails before its
     * first event is tried once more: HTTP/2 connections can close under a new stream, and the SDK retries only
     * requests, not event streams.
     */
    public Multi<ModelStreamEvent> converseStream(ModelCall call) {
        ConverseStreamRequest request = ConverseStreamRequest.builder()
                .modelId(call.modelId())
                .messages(message(call))
                .inferenceConfig(inference(call))
                .build();
        AtomicBoolean received = new AtomicBoolean();
        return Multi.createFrom().deferred(() -> {
            StreamAssembler assembler = new StreamAssembler();
            CompletableFuture<SdkPublisher<ConverseStreamOutput>> events = new CompletableFuture<>();
            CompletableFuture<Void> streaming = client.converseStream(request, ConverseStreamResponseHandler.builder()
                    .onEventStream(events::complete)
                    .build());
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
                    .onItem().transformToIterable(assembler::accept);
            return Multi.createBy().concatenating()
                    .streams(deltas, Multi.createFrom().item(assembler::completed));
        }).onFailure(failure -> !received.get() && BedrockErrorTranslator.isConnectionFailure(failure))
                .retry().atMost(1)
                .onFailure().transform(failure -> errors.translate(failure, call.modelId()));
    }

    private static ConverseRequest toRequest(ModelCall call) {
        return ConverseRequest.builder()
                .modelId(call.modelId())
                .messages(message(call))
                .inferenceConfig(inference(call))
                .build();
    }

    private static Message message(ModelCall call) {
        List<ContentBlock> content = new ArrayList<>(call.images().size() + 1);
        for (PreparedImage image : call.images()) {
            content.add(ContentBlock.fromImage(ImageBlock.builder()
                    .format(image.format().formatName())
                    // The bytes are never changed after preparation, so the SDK may use them without a copy.
                    .source(ImageSource.fromBytes(SdkBytes.fromByteArrayUnsafe(image.bytes())))
                    .build()));
        }
        content.add(ContentBlock.fromText(call.prompt()));
        return Message.builder().role(ConversationRole.USER).content(content).build();
    }

    private static InferenceConfiguration inference(ModelCall call) {
        return InferenceConfiguration.builder().maxTokens(call.maxTokens()).temperature(call.temperature()).build();
    }

    private static ModelAnswer toAnswer(ConverseResponse response) {
        String text = response.output().message().content().stream()
                .map(ContentBlock::text)
                .filter(Objects::nonNull)
                .collect(Collectors.joining());
        TokenUsage usage = response.usage();
        ModelAnswer.TokenUsage tokens = usage == null ? new ModelAnswer.TokenUsage(null, null, null)
                : new ModelAnswer.TokenUsage(usage.inputTokens(), usage.outputTokens(), usage.totalTokens());
        return new ModelAnswer(text, response.stopReasonAsString(), tokens);
    }
}
