package dev.visionapi.bedrock.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The emulator accepts a request only with a valid SigV4 signature over the body it receives, as Bedrock does. */
class SignatureCheckTest {

    private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello\"}]}]}";
    private static final String PATH = "/model/example.custom-vision-v1%3A0/converse";

    private static Vertx vertx;
    private static BedrockEmulator emulator;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        emulator = BedrockEmulator.start(vertx, BedrockEmulatorResource.CREDENTIALS, new ScriptedBedrock(vertx));
    }

    @AfterAll
    static void stop() {
        emulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aRequestSignedOverItsBodyIsAnswered() throws Exception {
        HttpResponse<String> response = send(signed(BedrockEmulatorResource.CREDENTIALS, BODY), BODY);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() throws Exception {
        HttpResponse<String> response = send(signed(BedrockEmulatorResource.CREDENTIALS, BODY),
                BODY.replace("Hello", "Hellp"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(type ->
                assertThat(type).startsWith("InvalidSignatureException"));
    }

    @Test
    void aSignatureWithAnotherSecretIsRefused() throws Exception {
        AwsCredentialsIdentity other = AwsCredentialsIdentity.create(
                BedrockEmulatorResource.CREDENTIALS.accessKeyId(), "another-secret");

        assertThat(send(signed(other, BODY), BODY).statusCode()).isEqualTo(403);
    }

    /** The headers the SDK's signer adds for this body. */
    private Map<String, List<String>> signed(AwsCredentialsIdentity credentials, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        URI endpoint = emulator.endpoint();
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol("http").host(endpoint.getHost()).port(endpoint.getPort())
                .encodedPath(PATH)
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Length", Integer.toString(bytes.length))
                .build();
        return AwsV4HttpSigner.create().sign(signing -> signing
                        .identity(credentials)
                        .request(request)
                        .payload(ContentStreamProvider.fromByteArray(bytes))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock"))
                .request().headers();
    }

    private HttpResponse<String> send(Map<String, List<String>> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(emulator.endpoint().resolve(PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
