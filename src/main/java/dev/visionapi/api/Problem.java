package dev.visionapi.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.visionapi.problem.ProblemType;

/** An RFC 9457 problem detail, the body of every error response ({@code application/problem+json}). */
@Schema(name = "Problem", description = "RFC 9457 problem detail")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        @Schema(description = "URI identifying the kind of problem", examples = "urn:visionapi:problem:invalid-request")
        String type,
        @Schema(description = "Short summary of the kind of problem", examples = "Invalid request")
        String title,
        @Schema(description = "HTTP status code", examples = "400")
        int status,
        @Schema(description = "What went wrong with this request", examples = "Send either 'preset' or 'prompt', not both.")
        String detail,
        @Schema(description = "The request path")
        String instance,
        @Schema(description = "Individual invalid fields, when the request failed validation")
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ProblemType type, String detail, String instance) {
        return new Problem(type.uri(), type.title(), type.status(), detail, instance, null);
    }

    /** One invalid field of the request. */
    @Schema(name = "FieldError")
    public record FieldError(
            @Schema(description = "Form field name", examples = "maxTokens") String field,
            @Schema(description = "What is wrong with it", examples = "must be less than or equal to 8192") String message) {
    }
}
