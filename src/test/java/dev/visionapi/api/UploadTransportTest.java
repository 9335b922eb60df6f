package dev.visionapi.api;

import static dev.visionapi.api.MultipartBody.join;
import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.ConverseCall;
import dev.visionapi.bedrock.emulator.ReceivedImages;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The ways HTTP clients send the form: sized or chunked, with or without 100-continue, other parts beside it, part
 * charsets, and the form's limits.
 */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class UploadTransportTest {

    private static final HttpClient HTTP_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void aChunkedUploadArrivesIntact() throws Exception {
        HttpResponse<String> response = HTTP_1.send(catCaption().postChunked(analyses),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.request().headers().firstValue("Content-Length")).isEmpty();
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    /** Analyses one after the other on one connection, in pieces that split parts and delimiters, and pipelined. */
    @Test
    void analysesFollowingEachOtherOnOneConnectionArriveIntactHoweverTheirBytesTravel() throws Exception {
        // Holds the start of a delimiter that is not one: a read ends on it, and the parser must give its bytes back
        // as content in the next read, after the buffer that held them has been released.
        String prompt = "Describe the cat.\r\n--" + MultipartBody.BOUNDARY.substring(0, 9) + " is not a delimiter.";
        try (RawHttpConnection connection = new RawHttpConnection(analyses)) {
            assertThat(connection.exchange(catCaption())).startsWith("HTTP/1.1 200");

            byte[] split = connection.post(new MultipartBody().file("image", "cat.png", TestImages.CAT_PNG)
                    .field("prompt", prompt));
            String bytes = new String(split, StandardCharsets.ISO_8859_1); // a char per byte, to find offsets
            int headEnd = bytes.indexOf("\r\n\r\n") + 4;
            int partialDelimiterEnd = bytes.indexOf(" is not a delimiter");
            int[] ends = {headEnd + 40, headEnd + TestImages.CAT_PNG.length / 2, partialDelimiterEnd,
                split.length - 10, split.length};
            for (int start = 0, piece = 0; piece < ends.length; start = ends[piece++]) {
                connection.write(Arrays.copyOfRange(split, start, ends[piece]));
                Thread.sleep(100); // each piece a read of its own
            }
            assertThat(connection.readResponse()).startsWith("HTTP/1.1 200");

            byte[] one = connection.post(catCaption());
            connection.write(join(one, one));
            assertThat(connection.readResponse()).startsWith("HTTP/1.1 200");
            assertThat(connection.readResponse()).startsWith("HTTP/1.1 200");
        }

        List<ConverseCall> calls = bedrock().calls();
        assertThat(calls).hasSize(4);
        assertThat(ReceivedImages.of(calls.get(0))).containsExactly(TestImages.CAT_PNG_AS_SENT);
        assertThat(ReceivedImages.of(calls.get(1))).containsExactly(TestImages.CAT_PNG_AS_SENT);
        assertThat(calls.get(1).prompt()).isEqualTo(prompt);
        assertThat(ReceivedImages.of(calls.get(2))).containsExactly(TestImages.CAT_PNG_AS_SENT);
        assertThat(ReceivedImages.of(calls.get(3))).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void aClientWaitingFor100ContinueGetsItAndItsAnswer() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(catCaption().post(analyses), (name, value) -> true)
                .expectContinue(true).build();

        HttpResponse<String> response = HTTP_1.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void filePartsOtherThanImagesAreIgnored() throws Exception {
        MultipartBody body = new MultipartBody().file("attachment", "notes.txt", new byte[100_000])
                .file("image", "cat.png", TestImages.CAT_PNG).field("preset", "caption");

        HttpResponse<String> response = HTTP_1.send(body.post(analyses), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void aPromptInAnyScriptReachesBedrockUnchanged() throws Exception {
        String prompt = "Décris l’image en français — 日本語でも 🐱";
        MultipartBody body = new MultipartBody().file("image", "cat.png", TestImages.CAT_PNG).field("prompt", prompt);

        HttpResponse<String> response = HTTP_1.send(body.post(analyses), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(bedrock().lastCall().prompt()).isEqualTo(prompt);
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void aTextFieldLongerThanTheFormLimitIs413() throws Exception {
        MultipartBody body = new MultipartBody().file("image", "cat.png", TestImages.CAT_PNG)
                .field("prompt", "x".repeat(70_000));

        HttpResponse<String> response = HTTP_1.send(body.post(analyses), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains("urn:visionapi:problem:payload-too-large", "65536");
        assertThat(bedrock().calls()).isEmpty();
    }

    @Test
    void anHttp2ClientGetsItsAnalysisAndItsStream() throws Exception {
        HttpClient http2 = http2Client();
        HttpRequest streaming = HttpRequest.newBuilder(catCaption().post(analyses), (name, value) -> true)
                .header("Accept", "text/event-stream").build();

        HttpResponse<String> json = http2.send(catCaption().post(analyses), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> events = http2.send(streaming, HttpResponse.BodyHandlers.ofString());

        assertThat(json.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.body()).contains("\"text\"");
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.body()).contains("event:done");
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void anHttp2FormWithoutContentLengthArrivesIntact() throws Exception {
        HttpResponse<String> response = http2Client().send(catCaption().postChunked(analyses),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.request().headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    /** A client that has upgraded its connection to HTTP/2 (cleartext, h2c) with a first request without a body. */
    private HttpClient http2Client() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<Void> upgrade = client.send(HttpRequest.newBuilder(analyses.resolve("/q/health/live")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(upgrade.version()).isEqualTo(HttpClient.Version.HTTP_2);
        return client;
    }

    @Test
    void aFormWithMorePartsThanTheLimitIs400() throws Exception {
        MultipartBody body = catCaption();
        for (int i = 0; i < 256; i++) {
            body.field("note" + i, "x");
        }

        HttpResponse<String> response = HTTP_1.send(body.post(analyses), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("urn:visionapi:problem:invalid-request", "too many fields");
        assertThat(bedrock().calls()).isEmpty();
    }

    /**
     * Part headers have no limit of their own in Quarkus 3.33.2 (quarkusio/quarkus#55790 adds one later): their bytes
     * count towards the body's (and the upload memory).
     */
    @Test
    void aPartWithLongHeadersIsReadLikeAnyOther() throws Exception {
        MultipartBody body = catCaption().field("n".repeat(70_000), "x");

        HttpResponse<String> response = HTTP_1.send(body.post(analyses), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void aTextFieldDecodesInTheCharsetItsPartDeclares() throws Exception {
        byte[] latin1 = ("--b\r\nContent-Disposition: form-data; name=\"prompt\"\r\n"
                + "Content-Type: text/plain; charset=ISO-8859-1\r\n\r\nDécris\r\n--b--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);

        HttpResponse<String> response = HTTP_1.send(post("b", join(imagePart("b"), latin1)),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(bedrock().lastCall().prompt()).isEqualTo("Décris");
    }

    @Test
    void aBodyEndingRightAfterItsClosingBoundaryArrivesIntact() throws Exception {
        byte[] body = join(imagePart("b"), "--b\r\nContent-Disposition: form-data; name=\"preset\"\r\n\r\ncaption\r\n"
                .getBytes(StandardCharsets.US_ASCII), imagePart("b"), "--b--".getBytes(StandardCharsets.US_ASCII));

        HttpResponse<String> response = HTTP_1.send(post("b", body), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(imagesSentToBedrock()).containsExactly(TestImages.CAT_PNG_AS_SENT, TestImages.CAT_PNG_AS_SENT);
    }

    /** The REST layer ignores matrix parameters; the admission control, which takes every POST, cannot be passed by. */
    @Test
    void aPathWithMatrixParametersIsServedLikeAnyOther() throws Exception {
        HttpResponse<String> response = HTTP_1.send(catCaption().post(analyses.resolve("/v1;x=1/analyses")),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        if (response.statusCode() != 200) {
            assertThat(response.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
        }
    }

    /** Uploads wait in quarkus.http.body.uploads-directory only while their analysis runs. */
    @Test
    void theUploadedFilesAreDeletedOnceTheResponseHasEnded() throws Exception {
        Path uploads = Path.of(ConfigProvider.getConfig().getValue("quarkus.http.body.uploads-directory", String.class));
        Set<Path> before = filesIn(uploads);
        MultipartBody body = catCaption().file("attachment", "notes.txt", new byte[10_000]);

        HttpResponse<String> response = HTTP_1.send(body.post(analyses), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        // Deleted on a worker thread just after the response has ended.
        for (int wait = 0; wait < 100 && !before.containsAll(filesIn(uploads)); wait++) {
            Thread.sleep(50);
        }
        assertThat(filesIn(uploads)).isSubsetOf(before);
    }

    /** A client that goes away while its analysis runs leaves no file behind either. */
    @Test
    void theUploadedFilesOfAClientThatWentAwayAreDeleted() throws Exception {
        Path uploads = Path.of(ConfigProvider.getConfig().getValue("quarkus.http.body.uploads-directory", String.class));
        Set<Path> before = filesIn(uploads);
        bedrock().latency(Duration.ofSeconds(2));

        try (RawHttpConnection connection = new RawHttpConnection(analyses)) {
            connection.write(connection.post(catCaption()));
            while (bedrock().calls().isEmpty()) {
                Thread.sleep(20);
            }
        }
        for (int wait = 0; wait < 100 && !before.containsAll(filesIn(uploads)); wait++) {
            Thread.sleep(50);
        }
        assertThat(filesIn(uploads)).isSubsetOf(before);
    }

    private static Set<Path> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.collect(Collectors.toSet());
        }
    }

    @Test
    void aMultipartTypeWithoutBoundaryIs400() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(analyses).header("Content-Type", "multipart/form-data")
                .POST(HttpRequest.BodyPublishers.ofByteArray(imagePart("b"))).build();

        HttpResponse<String> response = HTTP_1.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("urn:visionapi:problem:invalid-request", "multipart/form-data");
    }

    /** The cat image as a part of a body with this boundary: the opening delimiter, headers, content, line break. */
    private static byte[] imagePart(String boundary) {
        return join(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"cat.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII), TestImages.CAT_PNG,
                "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private HttpRequest post(String boundary, byte[] body) {
        return MultipartBody.post(analyses, boundary, body);
    }

    private static MultipartBody catCaption() {
        return new MultipartBody().file("image", "cat.png", TestImages.CAT_PNG).field("preset", "caption");
    }

    private static List<byte[]> imagesSentToBedrock() {
        return ReceivedImages.of(bedrock().lastCall());
    }
}
