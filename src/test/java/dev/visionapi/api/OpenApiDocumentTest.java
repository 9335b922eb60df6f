package dev.visionapi.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.visionapi.bedrock.emulator.BedrockEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * The committed {@code openapi.yaml} says what the service serves at {@code /q/openapi}. When the API changes, this
 * test fails and writes the served document to {@code target/openapi.yaml}: review it and copy it over.
 */
@QuarkusTest
@QuarkusTestResource(BedrockEmulatorResource.class)
class OpenApiDocumentTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void committedDocumentMatchesTheServedOne() throws IOException {
        String served = given().queryParam("format", "yaml").when().get("/q/openapi")
                .then().statusCode(200).extract().asString();
        Files.writeString(Path.of("target", "openapi.yaml"), served);

        JsonNode committed = YAML.readTree(Path.of("openapi.yaml").toFile());
        assertThat(YAML.readTree(served))
                .as("openapi.yaml differs from /q/openapi; see target/openapi.yaml")
                .isEqualTo(committed);
    }

    @Test
    void multipartBodyDescribesImagesAsBinaryFiles() throws IOException {
        JsonNode form = YAML.readTree(Path.of("openapi.yaml").toFile())
                .at("/components/schemas/AnalysisForm/properties/image");
        assertThat(form.at("/type").asText()).isEqualTo("array");
        assertThat(form.at("/items/format").asText()).isEqualTo("binary");
    }

    /** Swagger UI's "Try it out" pre-fills the form with the examples: sent as they are, they must be one valid request. */
    @Test
    void theFormsExamplesMakeOneValidRequest() throws IOException {
        JsonNode properties = YAML.readTree(Path.of("openapi.yaml").toFile())
                .at("/components/schemas/AnalysisForm/properties");
        RequestSpecification form = given();
        List<String> named = new ArrayList<>();
        properties.fields().forEachRemaining(property -> {
            JsonNode examples = property.getValue().path("examples");
            if (!examples.isEmpty()) {
                JsonNode example = examples.get(0);
                // A repeatable field's example is an array: each value a field of its own.
                for (JsonNode value : example.isArray() ? example : List.of(example)) {
                    form.multiPart(property.getKey(), value.asText());
                }
                named.add(property.getKey());
            }
        });
        assertThat(named).contains("sample", "preset").doesNotContain("image", "prompt", "model");

        form.when().post("/v1/analyses").then().statusCode(200);
    }

    @Test
    void everyOperationHasAnIdAKeyRequirementAndTheErrorsFiltersAnswerWith() throws IOException {
        JsonNode document = document();
        List<String> ids = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
            String operation = entry.getKey() + " " + path.getKey();
            JsonNode spec = entry.getValue();
            ids.add(spec.path("operationId").asText());
            assertThat(spec.path("security").toString()).as(operation)
                    .isEqualTo("[{\"bearerKey\":[]},{\"apiKeyHeader\":[]}]");
            assertThat(spec.path("responses").has("401")).as(operation + " 401").isTrue();
            assertThat(spec.path("responses").has("429")).as(operation + " 429").isTrue();
            assertThat(spec.path("responses").has("403")).as(operation + " 403")
                    .isEqualTo(entry.getKey().equals("post"));
            assertThat(spec.at("/responses/429/headers/Retry-After").isObject()).as(operation + " Retry-After")
                    .isTrue();
            spec.path("responses").fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                    assertThat(response.getValue().at("/content/application~1problem+json/schema/$ref").asText())
                            .as(operation + " " + response.getKey()).isEqualTo("#/components/schemas/Problem");
                }
            });
        }));
        assertThat(ids).containsExactlyInAnyOrder("analyse", "listModels", "listPresets", "getPreset", "listSamples",
                "getSample", "createJob", "listJobs", "getJob", "getJobResults", "cancelJob", "getUsage");
        assertThat(document.at("/paths/~1v1~1analyses/post/responses/403/description").asText())
                .contains("cross-site-request");
        assertThat(document.at("/paths/~1v1~1analyses/post/responses/503/description").asText())
                .contains("overloaded", "bedrock-throttled", "bedrock-unavailable");
    }

    @Test
    void bothWaysOfSendingAKeyAreSchemes() throws IOException {
        JsonNode schemes = document().at("/components/securitySchemes");
        assertThat(schemes.at("/bearerKey/type").asText()).isEqualTo("http");
        assertThat(schemes.at("/bearerKey/scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.at("/apiKeyHeader/type").asText()).isEqualTo("apiKey");
        assertThat(schemes.at("/apiKeyHeader/in").asText()).isEqualTo("header");
        assertThat(schemes.at("/apiKeyHeader/name").asText()).isEqualTo("X-API-Key");
    }

    @Test
    void theDocumentNamesItsServerContactAndWhatEachTagHolds() throws IOException {
        JsonNode document = document();
        assertThat(document.at("/servers/0/url").asText()).isEqualTo("/");
        assertThat(document.at("/info/contact/name").asText()).isNotBlank();
        assertThat(document.path("tags")).hasSize(6)
                .allSatisfy(tag -> assertThat(tag.path("description").asText()).isNotBlank());
    }

    @Test
    void analyseDocumentsItsEventStreamVariant() throws IOException {
        JsonNode ok = document().at("/paths/~1v1~1analyses/post/responses/200/content");
        assertThat(ok.at("/application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/Analysis");
        JsonNode stream = ok.path("text/event-stream");
        assertThat(stream.at("/schema/description").asText()).contains("'delta'", "'done'", "'error'");
        assertThat(stream.at("/examples/caption/value").asText()).contains("event: delta", "event: done");
    }

    /** The form's text limits are the ones the service enforces: the prompt's, and each built-in preset parameter's. */
    @Test
    void theFormsMaxLengthsAreTheEnforcedOnes() throws IOException {
        JsonNode form = document().at("/components/schemas/AnalysisForm");
        assertThat(form.path("description").asText()).contains("one or more 'preset' fields or one 'prompt'",
                "one or more 'image' files, one or more 'imageUrl' fields, or one 'sample' ID", "code points");
        assertThat(form.at("/properties/prompt/maxLength").asInt()).isEqualTo(AnalysisForm.MAX_PROMPT_LENGTH);
        JsonNode presets;
        try (var in = OpenApiDocumentTest.class.getResourceAsStream("/presets.json")) {
            presets = new ObjectMapper().readTree(in);
        }
        List<String> checked = new ArrayList<>();
        for (JsonNode preset : presets) {
            for (JsonNode parameter : preset.path("parameters")) {
                String name = parameter.path("name").asText();
                assertThat(form.at("/properties/" + name + "/maxLength").asInt()).as(name)
                        .isEqualTo(parameter.path("maxLength").asInt());
                checked.add(name);
            }
        }
        assertThat(checked).containsExactlyInAnyOrder("question", "text", "categories", "language");
    }

    private static JsonNode document() throws IOException {
        return YAML.readTree(Path.of("openapi.yaml").toFile());
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
