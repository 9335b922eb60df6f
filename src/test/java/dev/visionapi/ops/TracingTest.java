package dev.visionapi.ops;

import static dev.visionapi.bedrock.emulator.BedrockEmulatorResource.bedrock;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With tracing on, a Bedrock call is a span of the HTTP request that asked for it, carrying the model ID and no
 * prompt: the trace context crosses from the event loop to the preparation pool and on to the SDK.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
@QuarkusTestResource(BedrockEmulatorResource.class)
class TracingTest {

    /** Tracing as the README turns it on, every span kept and exported within 50 ms. */
    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.traces.sampler", "always_on",
                    "quarkus.otel.bsp.schedule.delay", "50");
        }
    }

    /** Used by Quarkus in place of the OTLP exporter: any span exporter bean is. */
    @ApplicationScoped
    static class InMemoryExporter {
        @Produces
        @Singleton
        InMemorySpanExporter spans() {
            return InMemorySpanExporter.create();
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void reset() {
        bedrock().reset();
        spans.reset();
    }

    @Test
    void theBedrockCallIsAChildOfTheAnalysisRequestWithTheModelAndNoPrompt() throws InterruptedException {
        given().multiPart("sample", "cat-chelsea").multiPart("prompt", "A secret prompt")
                .when().post("/v1/analyses").then().statusCode(200);

        SpanData call = awaitSpan("the Bedrock call", span -> span.getName().equals("bedrock converse"));
        // The request's span ends after the response is written, so it can be exported after the call's.
        SpanData request = awaitSpan("the request", span -> span.getKind() == SpanKind.SERVER
                && span.getTraceId().equals(call.getTraceId()));
        assertThat(request.getName()).contains("POST");
        assertThat(call.getParentSpanId()).isEqualTo(request.getSpanId());
        assertThat(call.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
                .isEqualTo("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
        assertThat(call.getAttributes().asMap().values()).noneMatch(value -> value.toString().contains("secret"));
    }

    private SpanData awaitSpan(String what, Predicate<SpanData> matching) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SpanData> span = spans.getFinishedSpanItems().stream().filter(matching).findFirst();
            if (span.isPresent()) {
                return span.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no span of " + what + " within 10 s; spans: " + spans.getFinishedSpanItems());
    }
}
