package dev.visionapi.problem;

/**
 * Every kind of error the service answers with, and the HTTP status it carries. The README's error table lists the
 * same rows.
 */
public enum ProblemType {
    INVALID_REQUEST("invalid-request", 400, "Invalid request"),
    MODEL_REJECTED_REQUEST("model-rejected-request", 400, "The model rejected the request"),
    SOURCE_FORBIDDEN("source-forbidden", 400, "Image source not allowed"),
    UNAUTHORIZED("unauthorized", 401, "API key missing or not valid"),
    CROSS_SITE_REQUEST("cross-site-request", 403, "Cross-site request refused"),
    NOT_FOUND("not-found", 404, "Not found"),
    SOURCE_NOT_FOUND("source-not-found", 404, "Image source not found"),
    REQUEST_TIMEOUT("request-timeout", 408, "Request timeout"),
    PAYLOAD_TOO_LARGE("payload-too-large", 413, "Request too large"),
    URI_TOO_LONG("uri-too-long", 414, "Request target too long"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type"),
    UNREADABLE_IMAGE("unreadable-image", 422, "Image cannot be read"),
    RATE_LIMITED("rate-limited", 429, "Too many requests"),
    HEADERS_TOO_LARGE("headers-too-large", 431, "Request headers too large"),
    INTERNAL_ERROR("internal-error", 500, "Internal error"),
    BEDROCK_ACCESS_DENIED("bedrock-access-denied", 502, "Access to Bedrock denied"),
    MODEL_UNAVAILABLE("model-unavailable", 502, "Model not available"),
    BEDROCK_FAILED("bedrock-failed", 502, "Bedrock failed"),
    SOURCE_ACCESS_DENIED("source-access-denied", 502, "Access to the image source denied"),
    SOURCE_UNREACHABLE("source-unreachable", 502, "Image source unreachable"),
    MODEL_OUTPUT_INVALID("model-output-invalid", 502, "The model returned malformed output"),
    OVERLOADED("overloaded", 503, "The service is overloaded"),
    BEDROCK_THROTTLED("bedrock-throttled", 503, "Bedrock is throttling requests"),
    BEDROCK_UNAVAILABLE("bedrock-unavailable", 503, "Bedrock is unavailable"),
    BEDROCK_TIMEOUT("bedrock-timeout", 504, "Bedrock did not answer in time"),
    SOURCE_TIMEOUT("source-timeout", 504, "Image source did not answer in time"),
    JOBS_UNAVAILABLE("jobs-unavailable", 503, "Jobs are not available"),
    JOB_NOT_FOUND("job-not-found", 404, "Job not found"),
    // usage31: usage and budgets per API key (issue 31)
    BUDGET_EXCEEDED("budget-exceeded", 429, "Monthly budget exceeded"),
    USAGE_UNAVAILABLE("usage-unavailable", 503, "Usage is not available");

    private static final String TYPE_PREFIX = "urn:visionapi:problem:";

    private final String slug;
    private final int status;
    private final String title;

    ProblemType(String slug, int status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    /** The problem's {@code type} URI. */
    public String uri() {
        return TYPE_PREFIX + slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
