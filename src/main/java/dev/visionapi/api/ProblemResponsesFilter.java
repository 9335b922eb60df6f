package dev.visionapi.api;

import java.math.BigDecimal;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import dev.visionapi.problem.ProblemType;

/**
 * Gives every declared error response of every operation the problem body, so that resources declare an error
 * with its status and description only, and adds the errors that filters in front of the resources answer with:
 * 401 and 429 to every operation that needs a key, 403 to every POST, 500 to every operation. 429 and 503 carry
 * Retry-After, 401 WWW-Authenticate. A request body declared with a named schema ({@code AnalysisForm}) is left as a
 * reference to it: the form's fields, which the generator also reads from the resource method's form parameters,
 * are described once, in the schema.
 */
public class ProblemResponsesFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        for (PathItem path : openAPI.getPaths().getPathItems().values()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.getOperations().entrySet()) {
                addCommonResponses(entry.getKey(), entry.getValue());
                problemBodies(entry.getValue());
            }
        }
    }

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
            operation.getRequestBody().getContent().getMediaTypes().values().stream()
                    .filter(media -> media.getSchema() != null && media.getSchema().getRef() != null)
                    .forEach(media -> media.setSchema(OASFactory.createSchema().ref(media.getSchema().getRef())));
        }
        return operation;
    }

    private static void addCommonResponses(PathItem.HttpMethod method, Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        if (operation.getSecurity() != null && !operation.getSecurity().isEmpty()) {
            addIfAbsent(responses, "401", "The service requires an API key and the request has none or one it "
                    + "does not know ('" + slug(ProblemType.UNAUTHORIZED) + "')");
            addIfAbsent(responses, "429", "This API key has used up its request rate, or this client address "
                    + "has sent too many wrong keys ('"
                    + slug(ProblemType.RATE_LIMITED) + "'); see Retry-After");
        }
        if (method == PathItem.HttpMethod.POST) {
            addIfAbsent(responses, "403", "A browser sent the request from a page of another origin ('"
                    + slug(ProblemType.CROSS_SITE_REQUEST) + "')");
        }
        addIfAbsent(responses, "500", ProblemType.INTERNAL_ERROR.title() + " ('" + slug(ProblemType.INTERNAL_ERROR)
                + "')");
        APIResponse unauthorized = responses.getAPIResponse("401");
        if (unauthorized != null) {
            unauthorized.addHeader("WWW-Authenticate", header("The scheme to authenticate with: Bearer",
                    OASFactory.createSchema().addType(Schema.SchemaType.STRING)));
        }
        for (String retryable : new String[] {"429", "503"}) {
            APIResponse response = responses.getAPIResponse(retryable);
            if (response != null) {
                response.addHeader("Retry-After", header("Seconds to wait before trying again",
                        OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).minimum(BigDecimal.ZERO)));
            }
        }
    }

    private static void problemBodies(Operation operation) {
        operation.getResponses().getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                response.setContent(problemContent());
            }
        });
    }

    private static void addIfAbsent(APIResponses responses, String code, String description) {
        if (!responses.hasAPIResponse(code)) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
        }
    }

    private static Header header(String description, Schema schema) {
        return OASFactory.createHeader().description(description).schema(schema);
    }

    private static String slug(ProblemType type) {
        return type.uri().substring(type.uri().lastIndexOf(':') + 1);
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("Problem")));
    }
}
