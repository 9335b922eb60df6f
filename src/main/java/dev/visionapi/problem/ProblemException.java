package dev.visionapi.problem;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that is answered with an RFC 9457 problem. Its message is the problem's {@code detail} and is written
 * for the client: it never holds secrets, stack traces or class names.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final Duration retryAfter;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, null, null);
    }

    public ProblemException(ProblemType type, String detail, Duration retryAfter, Throwable cause) {
        super(detail, cause, false, false);
        this.type = type;
        this.retryAfter = retryAfter;
    }

    public ProblemType type() {
        return type;
    }

    /** How long the client should wait before trying again, sent as {@code Retry-After}. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
