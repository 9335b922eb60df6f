package dev.visionapi.api;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;

import dev.visionapi.problem.ProblemType;

/**
 * Gives every declared error response of every operation the problem body, so that resources declare an error
 * with its status and description only. A 500 problem is added to every operation. A request body declared with a
 * named schema ({@code AnalysisForm}) is left as a reference to it: the form's fields, which the generator also
 * reads from the resource method's form parameters, are described once, in the schema.
 */
public class ProblemResponsesFilter implements OASFilter {

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
            operation.getRequestBody().getContent().getMediaTypes().values().stream()
                    .filter(media -> media.getSchema() != null && media.getSchema().getRef() != null)
                    .forEach(media -> media.setSchema(OASFactory.createSchema().ref(media.getSchema().getRef())));
        }
        if (operation.getResponses() == null) {
            return operation;
        }
        if (!operation.getResponses().hasAPIResponse("500")) {
            operation.getResponses().addAPIResponse("500", OASFactory.createAPIResponse()
                    .description(ProblemType.INTERNAL_ERROR.title()));
        }
        operation.getResponses().getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                response.setContent(problemContent());
            }
        });
        return operation;
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("Problem")));
    }
}
