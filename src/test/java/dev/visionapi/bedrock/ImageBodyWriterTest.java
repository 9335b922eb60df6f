package dev.visionapi.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;

/** The final Converse body: each placeholder's base64 replaced by its image's, the rest of the JSON untouched. */
class ImageBodyWriterTest {

    private static final BodyBuffers BUFFERS = new BodyBuffers(0);

    @Test
    void eachPlaceholderBecomesItsImageWhereverItStands() throws IOException {
        ImageBodyWriter.Images images = new ImageBodyWriter.Images();
        byte[] first = {1, 2, 3, 4};
        byte[] second = new byte[1000];
        second[999] = 7;
        String firstPlaceholder = base64(images.placeholder(first));
        String secondPlaceholder = base64(images.placeholder(second));
        // The second image first in the JSON: order follows the marshalled text, not the order of placeholder().
        String marshalled = "{\"a\":\"" + secondPlaceholder + "\",\"text\":\"x\",\"b\":\"" + firstPlaceholder + "\"}";

        String body = text(ImageBodyWriter.write(marshalled, images, BUFFERS));

        assertThat(body).isEqualTo("{\"a\":\"" + Base64.getEncoder().encodeToString(second) + "\",\"text\":\"x\",\"b\":\""
                + Base64.getEncoder().encodeToString(first) + "\"}");
    }

    @Test
    void anImageIsEncodedWholeWhereverItsLengthFallsAgainstTheChunks() {
        int chunk = ImageBodyWriter.Base64Chunks.CHUNK_BYTES;
        Random random = new Random(7);
        for (int length : new int[] {1, 2, 3, chunk - 1, chunk, chunk + 1, chunk + 2, 3 * chunk, 3 * chunk + 1, 240_123}) {
            byte[] image = new byte[length];
            random.nextBytes(image);
            ByteBuffer into = ByteBuffer.allocateDirect(Base64.getEncoder().encode(image).length);

            new ImageBodyWriter.Base64Chunks().encode(image, into);

            byte[] written = new byte[into.flip().remaining()];
            into.get(written);
            assertThat(written).as("%d bytes", length).isEqualTo(Base64.getEncoder().encode(image));
        }
    }

    @Test
    void anEmptyImageIsAnEmptyString() throws IOException {
        ImageBodyWriter.Images images = new ImageBodyWriter.Images();
        String placeholder = base64(images.placeholder(new byte[0]));

        InMemoryBody body = ImageBodyWriter.write("[\"" + placeholder + "\"]", images, BUFFERS);

        assertThat(text(body)).isEqualTo("[\"\"]");
    }

    @Test
    void aPlaceholderMissingFromTheMarshalledRequestIsAnError() {
        ImageBodyWriter.Images images = new ImageBodyWriter.Images();
        images.placeholder(new byte[] {1});

        assertThatThrownBy(() -> ImageBodyWriter.write("{\"text\":\"no image\"}", images, BUFFERS))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPlaceholderThatAppearsTwiceIsAnError() {
        ImageBodyWriter.Images images = new ImageBodyWriter.Images();
        String placeholder = base64(images.placeholder(new byte[] {1}));

        String twice = "[\"" + placeholder + "\",\"" + placeholder + "\"]";

        assertThatThrownBy(() -> ImageBodyWriter.write(twice, images, BUFFERS))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSdkGetsTheWrittenBodyWithItsLengthAndTheImagesAreLetGoOf() throws Exception {
        ImageBodyWriter.Images images = new ImageBodyWriter.Images();
        byte[] image = {9, 8, 7};
        String marshalled = "{\"bytes\":\"" + base64(images.placeholder(image)) + "\"}";
        ImageBodyWriter writer = new ImageBodyWriter();
        ExecutionAttributes attributes = attributes(images);
        InterceptorContext context = context(marshalled);

        AsyncRequestBody body = writer.modifyAsyncHttpContent(context, attributes).orElseThrow();
        SdkHttpRequest request = writer.modifyHttpRequest(context, attributes);

        String expected = "{\"bytes\":\"" + Base64.getEncoder().encodeToString(image) + "\"}";
        assertThat(body.contentLength()).contains((long) expected.length());
        assertThat(request.firstMatchingHeader("Content-Length")).contains(Integer.toString(expected.length()));
        writer.beforeTransmission(context, attributes);
        assertThatThrownBy(() -> writer.modifyAsyncHttpContent(context(marshalled), attributes(images)))
                .as("the images are gone once sent: the same request cannot be sent again")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theBodyGoesBackForAnotherOnceTheCallHasSucceeded() {
        SentBody sent = SentBody.withOneImage();

        // Until Bedrock answers, the body may still be in a socket's write queue; a failed call leaves it to the
        // garbage collector for the same reason.
        assertThat(sent.body().released()).as("sent, not yet answered").isFalse();
        sent.answered();

        assertThat(sent.body().released()).isTrue();
    }

    @Test
    void aBodySentMoreThanOnceIsLeftToTheGarbageCollector() {
        SentBody sent = SentBody.withOneImage();
        // The SDK's retry: the first attempt's connection may, in theory, still be writing the body.
        sent.sentAgain();

        sent.answered();

        assertThat(sent.body().released()).isFalse();
    }

    @Test
    void aRequestWithoutImagesIsLeftAsTheSdkMarshalledIt() {
        ImageBodyWriter writer = new ImageBodyWriter();
        InterceptorContext context = context("{\"text\":\"hi\"}");

        assertThat(writer.modifyAsyncHttpContent(context, new ExecutionAttributes())).isEmpty();
        assertThat(writer.modifyHttpRequest(context, new ExecutionAttributes())).isSameAs(context.httpRequest());
    }

    /** The body of a request with one image, written and transmitted as the SDK does before Bedrock answers. */
    private record SentBody(ImageBodyWriter writer, ExecutionAttributes attributes, InMemoryBody body) {

        static SentBody withOneImage() {
            ImageBodyWriter writer = new ImageBodyWriter();
            ImageBodyWriter.Images images = new ImageBodyWriter.Images();
            ExecutionAttributes attributes = ImageBodyWriterTest.attributes(images);
            String image = base64(images.placeholder(new byte[] {1, 2}));
            InterceptorContext context = context("{\"bytes\":\"" + image + "\"}");
            InMemoryBody body = (InMemoryBody) writer.modifyAsyncHttpContent(context, attributes).orElseThrow();
            writer.beforeTransmission(context, attributes);
            return new SentBody(writer, attributes, body);
        }

        void sentAgain() {
            writer.beforeTransmission(context("{}"), attributes);
        }

        void answered() {
            writer.afterExecution(context("{}"), attributes);
        }
    }

    private static ExecutionAttributes attributes(ImageBodyWriter.Images images) {
        AwsRequestOverrideConfiguration.Builder request = AwsRequestOverrideConfiguration.builder();
        images.attachTo(request);
        return request.build().executionAttributes().copy();
    }

    private static InterceptorContext context(String marshalled) {
        return InterceptorContext.builder()
                .request(ConverseRequest.builder().build())
                .httpRequest(SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).protocol("https")
                        .host("bedrock-runtime.us-east-1.amazonaws.com").encodedPath("/model/m/converse")
                        .putHeader("Content-Length", Integer.toString(marshalled.length())).build())
                .requestBody(RequestBody.fromString(marshalled))
                .build();
    }

    private static String text(InMemoryBody body) throws IOException {
        return new String(body.contentStreamProvider().newStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
    }
}
