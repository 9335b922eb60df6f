package dev.visionapi.bedrock.emulator;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.CREDENTIALS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import dev.visionapi.image.TestImageFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.CachePointBlock;
import software.amazon.awssdk.services.bedrockruntime.model.CachePointType;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.JsonSchemaDefinition;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.OutputFormatStructure;
import software.amazon.awssdk.services.bedrockruntime.model.OutputFormatType;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * The emulator's prompt cache and native structured output, through the real SDK client: the wire fields are Bedrock's
 * ({@code cachePoint}, {@code outputConfig}, {@code usage.cacheReadInputTokens} / {@code cacheWriteInputTokens}), so
 * the SDK reads them as it would read Bedrock's.
 */
class PromptCacheEmulatorTest {

    private static final String SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    private static final String HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
    private static final String NOVA = "us.amazon.nova-pro-v1:0";
    private static final String LLAMA = "us.meta.llama3-2-11b-instruct-v1:0";
    /** What a 1200 × 900 image costs at pixels / 750: past Sonnet's minimum of 1,024, short of Haiku's 4,096. */
    private static final int LARGE_TOKENS = 1_440;
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"safe\":{\"type\":\"boolean\"},"
            + "\"reason\":{\"type\":\"string\",\"maxLength\":20}},\"required\":[\"safe\",\"reason\"]}";

    private static Vertx vertx;
    private static TestEmulator emulator;
    private static BedrockRuntimeAsyncClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        emulator = TestEmulator.start(vertx, CREDENTIALS, new SyntheticAnswers(Duration.ZERO));
        client = BedrockRuntimeAsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(emulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(CREDENTIALS.accessKeyId(), CREDENTIALS.secretAccessKey())))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void theFirstCallWritesThePrefixAndTheNextReadsIt() throws Exception {
        byte[] image = distinct(1);
        TokenUsage first = converse(SONNET, cached(image, "Describe it."));
        TokenUsage second = converse(SONNET, cached(image, "Write alt text for it."));

        assertThat(first.cacheWriteInputTokens()).isEqualTo(LARGE_TOKENS);
        assertThat(first.cacheReadInputTokens()).isZero();
        assertThat(second.cacheReadInputTokens()).isEqualTo(LARGE_TOKENS);
        assertThat(second.cacheWriteInputTokens()).isZero();
        // As Bedrock counts them: inputTokens leaves the cached tokens out, totalTokens has them.
        for (TokenUsage usage : List.of(first, second)) {
            assertThat(usage.inputTokens()).isLessThan(20);
            assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens()
                    + usage.cacheReadInputTokens() + usage.cacheWriteInputTokens());
        }
    }

    @Test
    void anotherImageOrAnotherModelIsAnotherPrefix() throws Exception {
        byte[] image = distinct(2);
        converse(SONNET, cached(image, "Describe it."));

        assertThat(converse(SONNET, cached(distinct(3), "Describe it.")).cacheWriteInputTokens()).isEqualTo(LARGE_TOKENS);
        assertThat(converse(NOVA, cached(image, "Describe it.")).cacheWriteInputTokens()).isEqualTo(LARGE_TOKENS);
        assertThat(converse(SONNET, cached(image, "Describe it.")).cacheReadInputTokens()).isEqualTo(LARGE_TOKENS);
    }

    @Test
    void aSystemPromptIsPartOfThePrefix() throws Exception {
        byte[] image = distinct(4);
        converse(SONNET, cached(image, "Describe it."));

        TokenUsage withSystem = converse(SONNET, cached(image, "Describe it.").toBuilder()
                .system(List.of(SystemContentBlock.fromText("You review images.")))
                .build());

        assertThat(withSystem.cacheReadInputTokens()).isZero();
        assertThat(withSystem.cacheWriteInputTokens()).isPositive();
    }

    @Test
    void aPrefixShorterThanTheModelsMinimumIsNotCached() throws Exception {
        byte[] image = distinct(5);
        TokenUsage first = converse(HAIKU, cached(image, "Describe it."));
        TokenUsage second = converse(HAIKU, cached(image, "Describe it."));

        for (TokenUsage usage : List.of(first, second)) {
            assertThat(usage.cacheReadInputTokens()).isZero();
            assertThat(usage.cacheWriteInputTokens()).isZero();
            assertThat(usage.inputTokens()).isGreaterThanOrEqualTo(LARGE_TOKENS);
        }
    }

    @Test
    void aCallWithoutACachePointReportsNoCacheUsage() throws Exception {
        TokenUsage usage = converse(SONNET, ConverseRequest.builder().modelId(SONNET)
                .messages(user(imageBlock(distinct(6)), ContentBlock.fromText("Describe it."))).build());

        assertThat(usage.cacheReadInputTokens()).isNull();
        assertThat(usage.cacheWriteInputTokens()).isNull();
        assertThat(usage.inputTokens()).isGreaterThanOrEqualTo(LARGE_TOKENS);
    }

    @Test
    void theStreamsMetadataEventCarriesTheCacheUsage() throws Exception {
        byte[] image = distinct(7);
        converse(SONNET, cached(image, "Describe it."));
        AtomicReference<TokenUsage> usage = new AtomicReference<>();
        ConverseRequest request = cached(image, "Describe it.");

        client.converseStream(ConverseStreamRequest.builder().modelId(SONNET).messages(request.messages()).build(),
                ConverseStreamResponseHandler.builder()
                        .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                                .onMetadata(metadata -> usage.set(metadata.usage()))
                                .build())
                        .build())
                .get(30, TimeUnit.SECONDS);

        assertThat(usage.get().cacheReadInputTokens()).isEqualTo(LARGE_TOKENS);
        assertThat(usage.get().cacheWriteInputTokens()).isZero();
    }

    @Test
    void aCachePointForAModelWithoutPromptCachingIsAValidationException() {
        assertThatThrownBy(() -> converse(LLAMA, cached(distinct(8), "Describe it.")))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ValidationException.class)
                .hasMessageContaining("extraneous key [cachePoint] is not permitted")
                .hasMessageContaining("#/messages/0/content/1");
    }

    @Test
    void outputConfigIsAnsweredWithJsonValidAgainstTheSchema() throws Exception {
        String text = client.converse(structured(SONNET)).get(30, TimeUnit.SECONDS)
                .output().message().content().get(0).text();

        JsonObject answer = new JsonObject(text);
        assertThat(answer.fieldNames()).containsExactlyInAnyOrder("safe", "reason");
        assertThat(answer.getBoolean("safe")).isNotNull();
        assertThat(answer.getString("reason")).hasSizeLessThanOrEqualTo(20);
    }

    @Test
    void outputConfigForAModelWithoutItIsAValidationException() {
        assertThatThrownBy(() -> client.converse(structured(NOVA)).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ValidationException.class)
                .hasMessageContaining("outputConfig");
    }

    @Test
    void theCacheForgetsAPrefixFiveMinutesAfterItsLastUse() {
        AtomicLong now = new AtomicLong();
        PromptCache cache = new PromptCache(now::get);
        JsonObject body = new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user")
                .put("content", new JsonArray().add(new JsonObject().put("text", "prefix"))
                        .add(new JsonObject().put("cachePoint", new JsonObject().put("type", "default")))
                        .add(new JsonObject().put("text", "question")))));
        ConverseCall call = new ConverseCall(SONNET, body, false);

        assertThat(cache.read(call)).as("written").isFalse();
        now.addAndGet(PromptCache.TTL.toNanos() - 1);
        assertThat(cache.read(call)).as("read, which keeps it five more minutes").isTrue();
        now.addAndGet(PromptCache.TTL.toNanos() - 1);
        assertThat(cache.read(call)).isTrue();
        now.addAndGet(PromptCache.TTL.toNanos());
        assertThat(cache.read(call)).as("expired, so written again").isFalse();
    }

    private static TokenUsage converse(String model, ConverseRequest request) throws Exception {
        return client.converse(request.toBuilder().modelId(model).build()).get(30, TimeUnit.SECONDS).usage();
    }

    /** The image, a cache point, then the prompt: what the service sends for images long enough for a cache point. */
    private static ConverseRequest cached(byte[] image, String prompt) {
        return ConverseRequest.builder().modelId(SONNET).messages(user(imageBlock(image),
                ContentBlock.fromCachePoint(CachePointBlock.builder().type(CachePointType.DEFAULT).build()),
                ContentBlock.fromText(prompt))).build();
    }

    private static ConverseRequest structured(String model) {
        return ConverseRequest.builder().modelId(model)
                .messages(user(ContentBlock.fromText("Is it safe?")))
                .outputConfig(config -> config.textFormat(format -> format.type(OutputFormatType.JSON_SCHEMA)
                        .structure(OutputFormatStructure.fromJsonSchema(JsonSchemaDefinition.builder()
                                .name("result").schema(SCHEMA).build()))))
                .build();
    }

    private static Message user(ContentBlock... content) {
        return Message.builder().role(ConversationRole.USER).content(content).build();
    }

    private static ContentBlock imageBlock(byte[] png) {
        return ContentBlock.fromImage(ImageBlock.builder().format("png")
                .source(ImageSource.fromBytes(SdkBytes.fromByteArray(png))).build());
    }

    /** A large PNG whose bytes no other test sends, so that its prefix starts uncached. */
    private static byte[] distinct(int seed) {
        Color left = new Color(seed * 37 % 256, seed * 91 % 256, seed * 53 % 256);
        return TestImageFactory.encode(TestImageFactory.halves(1200, 900, left, Color.BLUE), "png");
    }
}
