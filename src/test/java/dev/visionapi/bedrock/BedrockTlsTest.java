package dev.visionapi.bedrock;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.CREDENTIALS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.TestEmulator;
import dev.visionapi.config.BedrockConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PfxOptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/**
 * Bedrock is reached over TLS, which the other integration tests (plain HTTP into the emulator) do not cover: the real
 * SDK client with the service's HTTP client settings calls Converse and ConverseStream on the emulator serving TLS,
 * with each HTTP version {@code bedrock.protocol} offers. The emulator's certificate is a test one
 * ({@code src/test/resources/tls/bedrock-emulator.p12}: made with keytool for 127.0.0.1, valid until 2126, password
 * {@code emulator}).
 */
class BedrockTlsTest {

    private static final String KEY_STORE = "/tls/bedrock-emulator.p12";
    private static final String KEY_STORE_PASSWORD = "emulator";
    private static final String MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    private static final Message QUESTION = Message.builder()
            .role(ConversationRole.USER)
            .content(ContentBlock.fromText("Describe the image."))
            .build();
    private static final String ANSWER = "A tabby cat sits on a windowsill in the sun.";

    private static Vertx vertx;
    private static TestEmulator emulator;
    /** What the clients trust: the emulator's certificate, from the same key store. */
    private static TrustManager[] trustManagers;

    @BeforeAll
    static void startEmulator() {
        byte[] keyStore = keyStoreBytes();
        trustManagers = trusting(keyStore);
        vertx = Vertx.vertx();
        emulator = TestEmulator.startWithTls(vertx, CREDENTIALS,
                call -> Future.succeededFuture(EmulatorReply.answer(ANSWER, 1200, 7)),
                new PfxOptions().setValue(Buffer.buffer(keyStore)).setPassword(KEY_STORE_PASSWORD));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aConverseCallIsAnsweredOverTls(Protocol protocol) throws Exception {
        try (BedrockRuntimeAsyncClient client = clientWith(protocol)) {
            ConverseResponse response = client.converse(request -> request.modelId(MODEL).messages(QUESTION))
                    .get(30, TimeUnit.SECONDS);

            assertThat(response.output().message().content().get(0).text()).isEqualTo(ANSWER);
            assertThat(response.usage().outputTokens()).isEqualTo(7);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aStreamIsAnsweredOverTls(Protocol protocol) throws Exception {
        StringBuilder text = new StringBuilder();
        try (BedrockRuntimeAsyncClient client = clientWith(protocol)) {
            client.converseStream(request -> request.modelId(MODEL).messages(QUESTION),
                    ConverseStreamResponseHandler.builder()
                            .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                                    .onContentBlockDelta(delta -> text.append(delta.delta().text()))
                                    .build())
                            .build())
                    .get(30, TimeUnit.SECONDS);
        }

        assertThat(text).hasToString(ANSWER);
    }

    private static BedrockRuntimeAsyncClient clientWith(Protocol protocol) {
        BedrockConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus' "60s", as the service reads it
                .withMapping(BedrockConfig.class)
                .withDefaultValue("bedrock.protocol", protocol.name())
                .build()
                .getConfigMapping(BedrockConfig.class);
        return BedrockRuntimeAsyncClient.builder()
                // As the producer passes it: the SDK adds Bedrock's own HTTP defaults to what it does not set.
                .httpClientBuilder(BedrockClientProducer.httpClient(config)
                        .tlsTrustManagersProvider(() -> trustManagers))
                .region(Region.US_EAST_1)
                .endpointOverride(emulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(CREDENTIALS.accessKeyId(), CREDENTIALS.secretAccessKey())))
                .build();
    }

    private static TrustManager[] trusting(byte[] keyStoreBytes) {
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(new ByteArrayInputStream(keyStoreBytes), KEY_STORE_PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keyStore);
            return trust.getTrustManagers();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] keyStoreBytes() {
        try (InputStream in = BedrockTlsTest.class.getResourceAsStream(KEY_STORE)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
