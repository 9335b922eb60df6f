package dev.visionapi.api;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.emulator;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import dev.visionapi.bedrock.emulator.ReceivedImages;
import dev.visionapi.bedrock.emulator.ScriptedBedrock.Reply;
import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** {@code POST /v1/analyses} with {@code Accept: text/event-stream}, through ConverseStream on the wire. */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class StreamingTest {

    private static final String ANSWER = "A tabby cat with green eyes rests on a grey blanket, looking at the camera.";

    @TestHTTPResource("/v1/analyses")
    URI analyses;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Event(String name, String data) {

        JsonObject json() {
            return new JsonObject(data);
        }
    }

    @BeforeEach
    void resetBedrock() {
        bedrock().reset();
    }

    @Test
    void deltasArriveInOrderAndConcatenateToTheDoneText() throws Exception {
        bedrock().next(new Reply(EmulatorReply.answer(ANSWER, 1200, 21)));
        HttpResponse<InputStream> response = streamCaptionOfCat();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<Event> events = readAll(response);

        List<Event> deltas = events.stream().filter(event -> event.name().equals("delta")).toList();
        assertThat(deltas).hasSizeGreaterThan(5);
        assertThat(events).filteredOn(event -> event.name().equals("done")).hasSize(1);
        assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
        JsonObject done = events.get(events.size() - 1).json();
        assertThat(deltas.stream().map(event -> event.json().getString("text")).collect(Collectors.joining()))
                .isEqualTo(ANSWER)
                .isEqualTo(done.getString("text"));
        assertThat(done.getString("stopReason")).isEqualTo("end_turn");
        assertThat(done.getJsonObject("usage").getInteger("inputTokens")).isEqualTo(1200);
        assertThat(done.getJsonObject("usage").getInteger("outputTokens")).isEqualTo(21);
        assertThat(done.getJsonArray("images")).hasSize(1);
        assertThat(done.getLong("latencyMs")).isNotNull();
        assertThat(bedrock().lastCall().streaming()).isTrue();
    }

    @Test
    void aMidStreamExceptionEndsTheStreamWithAnErrorEventAndNoDone() throws Exception {
        bedrock().next(new Reply(EmulatorReply.answer(ANSWER, 1200, 21)
                .failingMidStream(3, "modelStreamErrorException", "The model stopped unexpectedly")));
        List<Event> events = readAll(streamCaptionOfCat());

        assertThat(events).filteredOn(event -> event.name().equals("done")).isEmpty();
        assertThat(events).filteredOn(event -> event.name().equals("delta")).hasSize(3);
        Event last = events.get(events.size() - 1);
        assertThat(last.name()).isEqualTo("error");
        assertThat(last.json().getString("type")).isEqualTo("urn:visionapi:problem:bedrock-failed");
        assertThat(last.json().getInteger("status")).isEqualTo(502);
        assertThat(last.data()).doesNotContain("Exception");
    }

    @Test
    void throttlingBeforeTheStreamIsAnErrorEvent() throws Exception {
        bedrock().always(new Reply(EmulatorReply.error(429, "ThrottlingException", "Too many requests")));
        List<Event> events = readAll(streamCaptionOfCat());
        assertThat(events).extracting(Event::name).containsExactly("error");
        assertThat(events.get(0).json().getString("type")).isEqualTo("urn:visionapi:problem:bedrock-throttled");
    }

    @Test
    void aConnectionDroppedBeforeTheStreamOpensIsTriedAgainWithTheImages() throws Exception {
        bedrock().next(new Reply(EmulatorReply.dropConnection()));
        List<Event> events = readAll(streamCaptionOfCat());
        assertThat(events.get(events.size() - 1).name()).as(events.toString()).isEqualTo("done");
        assertThat(bedrock().calls()).hasSize(2);
        assertThat(ReceivedImages.of(bedrock().lastCall()).get(0)).isEqualTo(TestImages.CAT_PNG_AS_SENT);
    }

    @Test
    void aStreamSlowerThanTheDeadlineEndsWithATimeoutError() throws Exception {
        // 15 words a second apart: the 5 s test deadline passes long before the end.
        bedrock().next(new Reply(EmulatorReply.answer(ANSWER, 1200, 21).withChunkDelay(Duration.ofSeconds(1))));
        long started = System.nanoTime();
        List<Event> events = readAll(streamCaptionOfCat());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        assertThat(events).filteredOn(event -> event.name().equals("done")).isEmpty();
        assertThat(events.get(events.size() - 1).json().getString("type"))
                .isEqualTo("urn:visionapi:problem:bedrock-timeout");
    }

    @Test
    void aClientThatDisconnectsDoesNotLeaveTheBedrockStreamRunning() throws Exception {
        // 60 words 200 ms apart would stream for 12 s.
        bedrock().next(new Reply(EmulatorReply.answer("word ".repeat(60), 1200, 60)
                .withChunkDelay(Duration.ofMillis(200))));
        int abandonedBefore = emulator().abandonedStreams();
        HttpResponse<InputStream> response = streamCaptionOfCat();
        try (BufferedReader reader = reader(response)) {
            Event first = nextEvent(reader);
            assertThat(first.name()).as(first.data()).isEqualTo("delta");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (emulator().openStreams() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(emulator().openStreams()).as("Bedrock streams still being written").isZero();
        assertThat(emulator().abandonedStreams()).isEqualTo(abandonedBefore + 1);
    }

    @Test
    void severalPresetsStreamDeltasNamingTheirPresetThenOneDone() throws Exception {
        bedrock().next(new Reply(EmulatorReply.answer("A tabby cat on a blanket.", 1000, 8)),
                new Reply(EmulatorReply.answer("Once upon a time a cat dreamt of fish.", 1000, 12)));
        HttpResponse<InputStream> response = client.send(new MultipartBody().field("preset", "caption")
                .field("preset", "story").field("sample", "cat-chelsea")
                .post(analyses, "Accept", "text/event-stream"), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        List<Event> events = readAll(response);

        assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
        assertThat(events).filteredOn(event -> event.name().equals("done")).hasSize(1);
        List<JsonObject> deltas = events.stream().filter(event -> event.name().equals("delta")).map(Event::json)
                .toList();
        assertThat(deltas).extracting(delta -> delta.getString("preset")).containsOnly("caption", "story");
        // The first preset is answered whole before the next one starts.
        assertThat(deltas.stream().map(delta -> delta.getString("preset")).distinct()).containsExactly("caption", "story");
        JsonObject done = events.get(events.size() - 1).json();
        for (String preset : List.of("caption", "story")) {
            assertThat(deltas.stream().filter(delta -> delta.getString("preset").equals(preset))
                    .map(delta -> delta.getString("text")).collect(Collectors.joining()))
                    .isEqualTo(done.getJsonObject("results").getJsonObject(preset).getString("text"));
        }
        assertThat(done.getJsonObject("usage").getInteger("outputTokens")).isEqualTo(20);
    }

    @Test
    void checksFailBeforeTheStreamAsOrdinaryProblems() throws Exception {
        HttpResponse<String> unsupported = client.send(new MultipartBody().field("preset", "caption")
                .file("image", "notes.png", "plain text".getBytes(StandardCharsets.UTF_8))
                .post(analyses, "Accept", "text/event-stream"), HttpResponse.BodyHandlers.ofString());
        assertThat(unsupported.statusCode()).isEqualTo(415);
        assertThat(unsupported.headers().firstValue("Content-Type")).contains("application/problem+json");

        HttpResponse<String> invalid = client.send(new MultipartBody().field("preset", "question")
                .file("image", "cat.png", TestImages.CAT_PNG)
                .post(analyses, "Accept", "text/event-stream"), HttpResponse.BodyHandlers.ofString());
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("needs the 'question' field");
        assertThat(bedrock().calls()).isEmpty();
    }

    @Test
    void withoutAnAcceptHeaderTheAnswerIsJson() throws Exception {
        HttpResponse<String> response = client.send(captionOfCat("*/*"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
    }

    private HttpRequest captionOfCat(String accept) {
        return new MultipartBody().field("preset", "caption").file("image", "cat.png", TestImages.CAT_PNG)
                .post(analyses, "Accept", accept);
    }

    private HttpResponse<InputStream> streamCaptionOfCat() throws IOException, InterruptedException {
        return client.send(captionOfCat("text/event-stream"), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static List<Event> readAll(HttpResponse<InputStream> response) throws IOException {
        List<Event> events = new ArrayList<>();
        try (BufferedReader reader = reader(response)) {
            for (Event event = nextEvent(reader); event != null; event = nextEvent(reader)) {
                events.add(event);
            }
        }
        return events;
    }

    private static BufferedReader reader(HttpResponse<InputStream> response) {
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** The next event of the stream, or null at its end. */
    private static Event nextEvent(BufferedReader reader) throws IOException {
        String name = "message";
        StringBuilder data = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    return new Event(name, data.toString());
                }
            } else if (line.startsWith("event:")) {
                name = line.substring("event:".length()).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring("data:".length()).stripLeading());
            }
        }
        return data.length() > 0 ? new Event(name, data.toString()) : null;
    }
}
