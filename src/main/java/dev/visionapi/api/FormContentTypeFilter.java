package dev.visionapi.api;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/**
 * Refuses a request body the REST layer would not read as a form, before it is read: one without a Content-Type
 * (415; the REST layer would take it for any type), and a multipart/form-data one without a boundary (400; the REST
 * layer would read it as an empty form).
 */
public class FormContentTypeFilter {

    @ServerRequestFilter
    public void check(ContainerRequestContext request) {
        if (!HttpMethod.POST.equals(request.getMethod())) {
            return;
        }
        MediaType type = request.getMediaType();
        if (type == null) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "The request has no Content-Type; send multipart/form-data or application/json.");
        }
        if (type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE) && isBlank(type.getParameters().get("boundary"))) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "The request body is not well-formed multipart/form-data: its Content-Type names no boundary.");
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
