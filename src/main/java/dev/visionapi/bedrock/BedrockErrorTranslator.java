package dev.visionapi.bedrock;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.config.BedrockConfig;
import io.netty.handler.timeout.ReadTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Turns what the SDK throws (after its own retries) into the problem the client sees. Bedrock's messages can name
 * accounts and ARNs, so they are logged but only passed on for validation errors, which the client has to fix.
 */
@ApplicationScoped
public class BedrockErrorTranslator {

    private static final Logger LOG = Logger.getLogger(BedrockErrorTranslator.class);
    private static final int MAX_FORWARDED_MESSAGE = 300;

    private final Duration retryAfter;

    BedrockErrorTranslator(BedrockConfig config) {
        retryAfter = Duration.ofSeconds(config.retryAfterSeconds());
    }

    public ProblemException translate(Throwable failure, String modelId) {
        if (failure instanceof ProblemException problem) {
            return problem;
        }
        Throwable cause = significantCause(failure);
        ProblemException problem = problemFor(cause, modelId);
        LOG.warnf("Bedrock call to %s failed: %s (%s)", modelId, cause.getMessage(), problem.type());
        return problem;
    }

    private ProblemException problemFor(Throwable cause, String modelId) {
        if (isTimeout(cause)) {
            return new ProblemException(ProblemType.BEDROCK_TIMEOUT,
                    "The model did not answer within the deadline. Try again, or ask for a shorter answer.", null, cause);
        }
        if (cause instanceof ThrottlingException || cause instanceof ServiceQuotaExceededException) {
            return new ProblemException(ProblemType.BEDROCK_THROTTLED,
                    "Bedrock kept throttling requests to model '%s'. Try again later.".formatted(modelId), retryAfter, cause);
        }
        if (cause instanceof ServiceUnavailableException || cause instanceof ModelNotReadyException) {
            return new ProblemException(ProblemType.BEDROCK_UNAVAILABLE,
                    "Bedrock or model '%s' is temporarily unavailable. Try again later.".formatted(modelId), retryAfter, cause);
        }
        if (cause instanceof AccessDeniedException) {
            return new ProblemException(ProblemType.BEDROCK_ACCESS_DENIED,
                    "The service is not allowed to invoke model '%s'.".formatted(modelId), null, cause);
        }
        if (cause instanceof ResourceNotFoundException) {
            return new ProblemException(ProblemType.MODEL_UNAVAILABLE,
                    "Model '%s' was not found or is not enabled in this account and region.".formatted(modelId), null, cause);
        }
        if (cause instanceof ValidationException validation) {
            return new ProblemException(ProblemType.MODEL_REJECTED_REQUEST, forwarded(validation), null, cause);
        }
        if (cause instanceof BedrockRuntimeException) {
            return new ProblemException(ProblemType.BEDROCK_FAILED,
                    "Bedrock failed to answer with model '%s'.".formatted(modelId), null, cause);
        }
        if (cause instanceof SdkClientException && isMissingCredentials(cause)) {
            return new ProblemException(ProblemType.BEDROCK_ACCESS_DENIED,
                    "The service has no AWS credentials to call Bedrock with.", null, cause);
        }
        if (cause instanceof SdkClientException || isConnectionFailure(cause)) {
            return new ProblemException(ProblemType.BEDROCK_FAILED, "Bedrock could not be reached.", null, cause);
        }
        return new ProblemException(ProblemType.INTERNAL_ERROR, "The request failed unexpectedly.", null, cause);
    }

    private static String forwarded(ValidationException validation) {
        String message = validation.awsErrorDetails() == null ? null : validation.awsErrorDetails().errorMessage();
        if (message == null || message.isBlank()) {
            return "Bedrock rejected the request as invalid.";
        }
        String shortened = message.length() > MAX_FORWARDED_MESSAGE ? message.substring(0, MAX_FORWARDED_MESSAGE) + "…" : message;
        return "Bedrock rejected the request: " + shortened;
    }

    /** Whether the connection to Bedrock failed (refused, reset, closed under a request), at any depth. */
    static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The SDK has no exception type of its own for an empty credentials chain, only this message. */
    private static boolean isMissingCredentials(Throwable cause) {
        return cause.getMessage() != null && cause.getMessage().startsWith("Unable to load credentials");
    }

    /** Whether the deadline, a read timeout or the model's own timeout ended the call, at any depth. */
    private static boolean isTimeout(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException
                    || t instanceof ModelTimeoutException || t instanceof ReadTimeoutException
                    || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exception that says what happened: the first Bedrock error in the chain, else the first SDK exception, past
     * the wrappers that futures and stream adapters add.
     */
    private static Throwable significantCause(Throwable failure) {
        Throwable sdk = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BedrockRuntimeException) {
                return t;
            }
            if (sdk == null && t instanceof SdkException) {
                sdk = t;
            }
        }
        if (sdk != null) {
            return sdk;
        }
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
