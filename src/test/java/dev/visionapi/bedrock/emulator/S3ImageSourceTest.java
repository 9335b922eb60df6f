package dev.visionapi.bedrock.emulator;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.CREDENTIALS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.S3Location;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Images read from S3 ({@code s3Location}) through the real SDK client: the emulator takes them for the Amazon Nova
 * models that read S3 and refuses them, as Bedrock does, for any other model, before its handler sees the call.
 */
class S3ImageSourceTest {

    private static final Message FROM_S3 = Message.builder().role(ConversationRole.USER).content(
            ContentBlock.fromImage(ImageBlock.builder().format("png").source(ImageSource.fromS3Location(
                    S3Location.builder().uri("s3://images/cat.png").bucketOwner("111122223333").build())).build()),
            ContentBlock.fromText("Describe the image.")).build();

    private static final List<ConverseCall> HANDLED = new CopyOnWriteArrayList<>();
    private static Vertx vertx;
    private static TestEmulator emulator;
    private static BedrockRuntimeAsyncClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        SyntheticAnswers synthetic = new SyntheticAnswers(Duration.ZERO);
        emulator = TestEmulator.start(vertx, CREDENTIALS, call -> {
            HANDLED.add(call);
            return synthetic.handle(call);
        });
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
    void novaReadsImagesFromS3() throws Exception {
        for (String model : List.of("us.amazon.nova-lite-v1:0", "us.amazon.nova-pro-v1:0", "amazon.nova-premier-v1:0")) {
            HANDLED.clear();

            client.converse(request -> request.modelId(model).messages(FROM_S3)).get(30, TimeUnit.SECONDS);

            assertThat(HANDLED).singleElement().satisfies(call -> assertThat(call.s3Locations()).singleElement()
                    .satisfies(location -> {
                        assertThat(location.getString("uri")).isEqualTo("s3://images/cat.png");
                        assertThat(location.getString("bucketOwner")).isEqualTo("111122223333");
                    }));
        }
    }

    @Test
    void otherModelsGetAValidationException() {
        for (String model : List.of("us.anthropic.claude-haiku-4-5-20251001-v1:0", "us.amazon.nova-micro-v1:0",
                "us.meta.llama3-2-11b-instruct-v1:0")) {
            HANDLED.clear();

            assertThatThrownBy(() -> client.converse(request -> request.modelId(model).messages(FROM_S3))
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(400));
            assertThat(HANDLED).isEmpty();
        }
    }
}
