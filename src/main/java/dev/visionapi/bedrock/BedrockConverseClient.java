package dev.visionapi.bedrock;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.image.PreparedImage;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/** The one place that calls Bedrock: a Converse request per analysis, bridged lazily into Mutiny. */
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

    private static ConverseRequest toRequest(ModelCall call) {
        List<ContentBlock> content = new ArrayList<>(call.images().size() + 1);
        for (PreparedImage image : call.images()) {
            content.add(ContentBlock.fromImage(ImageBlock.builder()
                    .format(image.format().formatName())
                    // The bytes are never changed after preparation, so the SDK may use them without a copy.
                    .source(ImageSource.fromBytes(SdkBytes.fromByteArrayUnsafe(image.bytes())))
                    .build()));
        }
        content.add(ContentBlock.fromText(call.prompt()));
        return ConverseRequest.builder()
                .modelId(call.modelId())
                .messages(Message.builder().role(ConversationRole.USER).content(content).build())
                .inferenceConfig(InferenceConfiguration.builder()
                        .maxTokens(call.maxTokens())
                        .temperature(call.temperature())
                        .build())
                .build();
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
