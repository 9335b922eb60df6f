package dev.visionapi.api;

import java.util.Comparator;
import java.util.List;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.visionapi.problem.ProblemException;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.RoutingContext;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.security.ApiKeyAuthenticationMechanism;
import dev.visionapi.security.ApiKeyAuthenticationRequest;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Answers every failure with an RFC 9457 problem. Details are written here or by the code that threw a
 * {@link ProblemException}; exception messages of libraries never reach the client.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final long maxFieldBytes;
    private final long maxBodyBytes;
    private final int maxParts;
    private final AllowedMethods allowedMethods;

    ProblemMappers(AllowedMethods allowedMethods,
            @ConfigProperty(name = "quarkus.http.limits.max-form-attribute-size") MemorySize maxFieldSize,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
            @ConfigProperty(name = "quarkus.http.limits.max-parameters") int maxParts) {
        this.maxFieldBytes = maxFieldSize.asLongValue();
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.maxParts = maxParts;
        this.allowedMethods = allowedMethods;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder response = response(e.type(), e.getMessage(), uri, null);
        e.retryAfter().ifPresent(wait -> response.header("Retry-After", wait.toSeconds()));
        return response.build();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(violation -> new Problem.FieldError(field(violation), violation.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(error -> error.field() + " " + error.message())
                .reduce((a, b) -> a + "; " + b).orElse("The request is invalid.");
        return response(ProblemType.INVALID_REQUEST, detail, uri, errors).build();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        return switch (status) {
            case 400 -> response(ProblemType.INVALID_REQUEST, "The request could not be read.", uri, null).build();
            case 404 -> response(ProblemType.NOT_FOUND, "There is nothing at this path.", uri, null).build();
            // The rest of an oversized body is not read; closing the connection tells the client to stop sending.
            case 413 -> response(ProblemType.PAYLOAD_TOO_LARGE, ("A text field of the form is longer than %d bytes, "
                    + "or the request is larger than %d bytes.").formatted(maxFieldBytes, maxBodyBytes), uri, null)
                    .header("Connection", "close").build();
            case 415 -> response(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "This operation does not accept the request's Content-Type.", uri, null).build();
            // RFC 9110: a 405 names the methods the resource allows; the REST layer's exception does not carry them.
            case 405 -> allowedMethods.forPath(instance(uri))
                    .map(allow -> plainHttp(Response.fromResponse(e.getResponse()).header(HttpHeaders.ALLOW, allow)
                            .build(), uri))
                    .orElseGet(() -> plainHttp(e.getResponse(), uri));
            default -> plainHttp(e.getResponse(), uri);
        };
    }

    /**
     * A missing or wrong API key, whether refused by a path policy before the REST layer or by a resource's role
     * check. Ordinary refusals: nothing is logged.
     */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(SecurityException e, UriInfo uri, HttpHeaders headers) {
        boolean presented = ApiKeyAuthenticationRequest.presentedIn(headers::getHeaderString).isPresent();
        return response(ProblemType.UNAUTHORIZED, presented ? "The API key is not valid."
                : "Send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.", uri, null)
                .header("WWW-Authenticate", ApiKeyAuthenticationMechanism.CHALLENGE).build();
    }

    /** An identity without the role a resource requires; no problem type of ours says more than HTTP's 403. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return plainHttp(Response.status(Response.Status.FORBIDDEN).build(), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri, RoutingContext routing) {
        if (AdmissionFilter.failedReadingBody(routing)) {
            // The REST layer's multipart parser fails with exceptions of its own: a body that ends early, one that is
            // not multipart as declared, more parts than quarkus.http.limits.max-parameters.
            LOG.debugf("The form could not be read: %s", e.toString());
            return problem(new ProblemException(ProblemType.INVALID_REQUEST, ("The form could not be read: it is not "
                    + "well-formed multipart/form-data, or it has too many fields (at most %d).").formatted(maxParts)),
                    uri);
        }
        return problem(asProblem(e), uri);
    }

    /** A failure as a problem: its own if it has one, else a logged internal error. */
    static ProblemException asProblem(Throwable failure) {
        if (failure instanceof ProblemException problem) {
            return problem;
        }
        LOG.error("Unexpected failure", failure);
        return new ProblemException(ProblemType.INTERNAL_ERROR, "The request failed unexpectedly.");
    }

    /** Statuses with no meaning beyond HTTP's own (405, 406, ...) use RFC 9457's {@code about:blank}. */
    private static Response plainHttp(Response original, UriInfo uri) {
        Response.StatusType status = original.getStatusInfo();
        Problem problem = new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), null,
                instance(uri), null);
        Response.ResponseBuilder response = Response.status(status.getStatusCode()).type(Problem.MEDIA_TYPE)
                .entity(problem);
        Object allow = original.getHeaders().getFirst(HttpHeaders.ALLOW);
        if (allow != null) {
            response.header(HttpHeaders.ALLOW, allow);
        }
        return response.build();
    }

    private static Response.ResponseBuilder response(ProblemType type, String detail, UriInfo uri,
            List<Problem.FieldError> errors) {
        Problem problem = new Problem(type.uri(), type.title(), type.status(), detail, instance(uri), errors);
        return Response.status(type.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }

    static String instance(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }

    /** The form field a violation is about: the last named node of the path ("analyse.form.maxTokens"). */
    /**
     * The field as the client named it: a form field's name, or a JSON body's path such as {@code images[2].base64};
     * "request" for the body as a whole.
     */
    private static String field(ConstraintViolation<?> violation) {
        StringBuilder path = new StringBuilder();
        for (Path.Node node : violation.getPropertyPath()) {
            ElementKind kind = node.getKind();
            if (kind != ElementKind.PROPERTY && kind != ElementKind.BEAN && kind != ElementKind.CONTAINER_ELEMENT) {
                continue;
            }
            if (node.isInIterable()) {
                path.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
            }
            if (kind == ElementKind.PROPERTY) {
                path.append(path.isEmpty() ? "" : ".").append(node.getName());
            }
        }
        return path.isEmpty() ? "request" : path.toString();
    }
}
