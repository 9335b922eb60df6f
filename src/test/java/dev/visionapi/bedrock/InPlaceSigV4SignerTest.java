package dev.visionapi.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;

import dev.visionapi.bedrock.emulator.BedrockEmulator;
import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ScriptedBedrock;
import io.vertx.core.Vertx;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/** A body the service holds is signed exactly as the SDK would sign it, and sent without the signer's copy. */
class InPlaceSigV4SignerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T04:00:00Z"), ZoneOffset.UTC);
    private static final byte[] BODY = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello\"}]}]}"
            .getBytes(StandardCharsets.UTF_8);

    private final InPlaceSigV4Signer signer = new InPlaceSigV4Signer();

    @Test
    void anInMemoryBodyGetsTheSdksSignatureAndIsSentItself() {
        // Off the heap, as ImageBodyWriter writes one.
        BodyBuffers buffers = new BodyBuffers(0);
        InMemoryBody body = new InMemoryBody(buffers.take(BODY.length).put(BODY).flip(), buffers);

        AsyncSignedRequest signed = signer.signAsync(signRequest(body)).join();

        assertThat(signed.payload()).containsSame(body);
        assertThat(authorization(signed))
                .isEqualTo(authorization(AwsV4HttpSigner.create().signAsync(signRequest(AsyncRequestBody.fromBytes(BODY)))
                        .join()))
                .contains("Credential=AKIDEXAMPLE/20261125/us-east-1/bedrock/aws4_request");
    }

    @Test
    void anyOtherBodyIsSignedAsTheSdkSignsIt() {
        AsyncSignedRequest signed = signer.signAsync(signRequest(AsyncRequestBody.fromBytes(BODY))).join();

        assertThat(authorization(signed)).isEqualTo(
                authorization(AwsV4HttpSigner.create().signAsync(signRequest(AsyncRequestBody.fromBytes(BODY))).join()));
    }

    @Test
    void theSdkHandsTheWrittenBodyOfAConverseCallToThisSigner() {
        Vertx vertx = Vertx.vertx();
        ScriptedBedrock bedrock = new ScriptedBedrock(vertx);
        BedrockEmulator emulator = BedrockEmulator.start(vertx, BedrockEmulatorResource.CREDENTIALS, bedrock);
        List<Class<?>> payloads = new ArrayList<>();
        byte[] image = {(byte) 0x89, 'P', 'N', 'G'};
        ImageBodyWriter.Images images = new ImageBodyWriter.Images();
        ConverseRequest request = ConverseRequest.builder()
                .modelId("example.custom-vision-v1:0")
                .messages(Message.builder().role(ConversationRole.USER).content(
                        ContentBlock.fromImage(ImageBlock.builder().format("png")
                                .source(ImageSource.fromBytes(images.placeholder(image))).build()),
                        ContentBlock.fromText("Describe")).build())
                .overrideConfiguration(images::attachTo)
                .build();
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        BedrockEmulatorResource.CREDENTIALS.accessKeyId(),
                        BedrockEmulatorResource.CREDENTIALS.secretAccessKey())))
                .putAuthScheme(InPlaceSigV4Signer.authScheme(noting(payloads)))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ImageBodyWriter()))
                .build()) {

            assertThat(client.converse(request).join().sdkHttpResponse().statusCode()).isEqualTo(200);
        } finally {
            emulator.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }

        assertThat(payloads).containsExactly(InMemoryBody.class);
        assertThat(bedrock.lastCall().content().getJsonObject(0).getJsonObject("image").getJsonObject("source")
                .getString("bytes")).isEqualTo(Base64.getEncoder().encodeToString(image));
    }

    private static AsyncSignRequest<AwsCredentialsIdentity> signRequest(Publisher<ByteBuffer> body) {
        return AsyncSignRequest.builder(BedrockEmulatorResource.CREDENTIALS)
                .request(SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("https")
                        .host("bedrock-runtime.us-east-1.amazonaws.com")
                        .encodedPath("/model/example.custom-vision-v1%3A0/converse")
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Content-Length", Integer.toString(BODY.length)).build())
                .payload(body)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, CLOCK)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .build();
    }

    private static String authorization(AsyncSignedRequest signed) {
        return signed.request().firstMatchingHeader("Authorization").orElseThrow();
    }

    /** This signer, noting the type of each body the SDK gives it to sign. */
    private static AwsV4HttpSigner noting(List<Class<?>> payloads) {
        AwsV4HttpSigner signer = new InPlaceSigV4Signer();
        return new AwsV4HttpSigner() {
            @Override
            public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
                return signer.sign(request);
            }

            @Override
            public CompletableFuture<AsyncSignedRequest> signAsync(
                    AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
                request.payload().ifPresent(payload -> payloads.add(payload.getClass()));
                return signer.signAsync(request);
            }
        };
    }
}
