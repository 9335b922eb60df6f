package dev.visionapi.api;

import static dev.visionapi.api.MultipartBody.join;
import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Forms damaged at random, as a broken or hostile client might send them: each is answered with an analysis or with
 * a problem the client can act on, never a server error, and the service goes on answering.
 */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class DamagedFormTest {

    private static final HttpClient HTTP_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String BOUNDARY = "damaged-form-boundary";
    private static final int FORMS = 300;

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    @Test
    void everyDamagedFormGetsAnAnalysisOrAProblemAndTheServiceGoesOn() throws Exception {
        bedrock().reset(); // answers as Bedrock does, whatever a test before this one scripted
        byte[] form = form();
        Random random = new Random(20261125); // fixed: a failure names a form that can be made again

        for (int i = 0; i < FORMS; i++) {
            byte[] damaged = damage(form, random);
            HttpResponse<String> response = HTTP_1.send(post(damaged), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as("form %d: %s", i, response.body()).isIn(200, 400, 413, 415, 422);
            if (response.statusCode() != 200) {
                assertThat(response.headers().firstValue("Content-Type")).as("form %d", i)
                        .contains(Problem.MEDIA_TYPE);
            }
        }
        assertThat(HTTP_1.send(post(form), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    /** A text field and the text-sign sample, the form a client sends. */
    private static byte[] form() {
        return join(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"preset\"\r\n\r\ncaption\r\n--"
                + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"sign.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                TestImages.sample("text-sign.png"),
                ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** One of: cut short, bytes overwritten, a range left out, a range repeated, delimiter pieces put in. */
    private static byte[] damage(byte[] form, Random random) {
        int at = random.nextInt(form.length);
        int span = 1 + random.nextInt(Math.min(512, form.length - at));
        return switch (random.nextInt(5)) {
            case 0 -> Arrays.copyOf(form, at);
            case 1 -> {
                byte[] damaged = form.clone();
                for (int i = at; i < at + Math.min(span, 8); i++) {
                    damaged[i] = (byte) random.nextInt(256);
                }
                yield damaged;
            }
            case 2 -> join(Arrays.copyOfRange(form, 0, at), Arrays.copyOfRange(form, at + span, form.length));
            case 3 -> join(Arrays.copyOfRange(form, 0, at + span), Arrays.copyOfRange(form, at, form.length));
            default -> join(Arrays.copyOfRange(form, 0, at), delimiterPiece(random),
                    Arrays.copyOfRange(form, at, form.length));
        };
    }

    private static byte[] delimiterPiece(Random random) {
        String[] pieces = {"\r\n--" + BOUNDARY, "\r\n--" + BOUNDARY + "--", "\r\n", "\r\n\r\n", "--", BOUNDARY,
            "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x\"\r\n\r\n", "\n--" + BOUNDARY + "\n"};
        return pieces[random.nextInt(pieces.length)].getBytes(StandardCharsets.US_ASCII);
    }

    private HttpRequest post(byte[] body) {
        return MultipartBody.post(analyses, BOUNDARY, body);
    }
}
