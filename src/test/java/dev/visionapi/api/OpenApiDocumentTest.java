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
                form.multiPart(property.getKey(), examples.get(0).asText());
                named.add(property.getKey());
            }
        });
        assertThat(named).contains("sample", "preset").doesNotContain("image", "prompt", "model");

        form.when().post("/v1/analyses").then().statusCode(200);
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
