package dev.visionapi.api;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

import io.vertx.ext.web.RoutingContext;

/**
 * The {@link AnalysisForm} of a request whose body {@link MultipartReceiver} has read, checked by Bean Validation.
 * The REST layer's own multipart parser, which writes every file to disk, is not used: the resource methods take no
 * body parameter, so the REST layer never reads the body.
 */
@ApplicationScoped
class AnalysisFormReader {

    private final Validator validator;

    AnalysisFormReader(Validator validator) {
        this.validator = validator;
    }

    AnalysisForm read(RoutingContext routing) {
        // Taken, not just read: the routing context lives as long as the request, the images need not.
        ReceivedForm received = routing.remove(ReceivedForm.CONTEXT_KEY);
        if (received == null) {
            throw new IllegalStateException("The form of this request was not received by MultipartReceiver");
        }
        AnalysisForm form = AnalysisForm.of(received);
        Set<ConstraintViolation<AnalysisForm>> violations = validator.validate(form);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return form;
    }
}
