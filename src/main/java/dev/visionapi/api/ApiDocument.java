package dev.visionapi.api;

import java.util.List;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;
import org.eclipse.microprofile.openapi.models.tags.Tag;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * What the OpenAPI document says about the API as a whole: its metadata, where it is served, its tags and the two
 * ways to present an API key, which the resources name in their security requirements. A filter rather than
 * {@code @OpenAPIDefinition}, which the scanner reads only from a JAX-RS {@code Application} class, which this
 * service does not need.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiDocument implements OASFilter {

    static final String ANALYSES = "Analyses";
    static final String MODELS = "Models";
    static final String PRESETS = "Presets";
    static final String SAMPLES = "Samples";
    static final String JOBS = "Jobs";
    static final String USAGE = "Usage";

    /** Security scheme names, as the resources' requirements name them. */
    static final String BEARER = "bearerKey";
    static final String API_KEY_HEADER = "apiKeyHeader";

    private static final String KEYS_OPTIONAL = "An API key, needed when the service is configured with keys "
            + "(auth.api-keys or auth.api-keys-file); without configured keys /v1 is open and a key is ignored.";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        openAPI.info(OASFactory.createInfo()
                .title("Image understanding API")
                .version("1.0.0")
                .description("Describe, classify, read and answer questions about images with vision models on "
                        + "Amazon Bedrock.")
                .contact(OASFactory.createContact().name("Image understanding API maintainers"))
                .license(OASFactory.createLicense().name("Apache 2.0")
                        .url("https://www.apache.org/licenses/LICENSE-2.0.html")));
        openAPI.servers(List.of(OASFactory.createServer().url("/")
                .description("The service that serves this document")));
        openAPI.tags(List.of(
                tag(ANALYSES, "Analyse images with a preset or your own prompt"),
                tag(MODELS, "The vision models a request may name"),
                tag(PRESETS, "Ready-made tasks with their prompts and answer schemas"),
                tag(SAMPLES, "Built-in images to try the API without uploading one"),
                tag(JOBS, "Analyse many images in the background: a whole S3 prefix or a list"),
                tag(USAGE, "Tokens and estimated cost per API key, day and model; monthly budgets")));
        if (openAPI.getComponents() == null) {
            openAPI.components(OASFactory.createComponents());
        }
        openAPI.getComponents()
                .addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                        .scheme("bearer").description(KEYS_OPTIONAL + " Send it as 'Authorization: Bearer <key>'."))
                .addSecurityScheme(API_KEY_HEADER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER).name("X-API-Key")
                        .description(KEYS_OPTIONAL + " Send it as 'X-API-Key: <key>'."));
    }

    private static Tag tag(String name, String description) {
        return OASFactory.createTag().name(name).description(description);
    }
}
