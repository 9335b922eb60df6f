package dev.visionapi.bedrock;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.config.BedrockConfig;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;

/**
 * One SmallRye circuit breaker per model: after repeated Bedrock failures (502/503/504 problems, after the SDK's own
 * retries) it opens, and calls to that model are refused at once with 503 and Retry-After until the delay has
 * passed and a probe succeeds. Client errors never trip it. There is no retry layer here: the SDK retries.
 */
@ApplicationScoped
public class ModelCircuitBreakers {

    private static final Logger LOG = Logger.getLogger(ModelCircuitBreakers.class);

    private final BedrockConfig.CircuitBreaker config;
    private final Map<String, TypedGuard<Uni<ModelAnswer>>> guards = new ConcurrentHashMap<>();

    ModelCircuitBreakers(BedrockConfig config) {
        this.config = config.circuitBreaker();
    }

    public Uni<ModelAnswer> guard(String modelId, Supplier<Uni<ModelAnswer>> call) {
        return guards.computeIfAbsent(modelId, this::create).get(call)
                .onFailure(CircuitBreakerOpenException.class).transform(open -> new ProblemException(
                        ProblemType.BEDROCK_UNAVAILABLE, "Calls to model '%s' are paused after repeated Bedrock "
                                .formatted(modelId) + "failures. Try again later.", config.delay(), open));
    }

    private TypedGuard<Uni<ModelAnswer>> create(String modelId) {
        return TypedGuard.create(new TypeLiteral<Uni<ModelAnswer>>() {
        }).withCircuitBreaker()
                .name("bedrock-" + modelId)
                .requestVolumeThreshold(config.requestVolumeThreshold())
                .failureRatio(config.failureRatio())
                .delay(config.delay().toMillis(), ChronoUnit.MILLIS)
                .when(ModelCircuitBreakers::isBedrockFailure)
                .onStateChange(state -> LOG.warnf("Circuit breaker for model %s is now %s", modelId, state))
                .done()
                .build();
    }

    private static boolean isBedrockFailure(Throwable failure) {
        return failure instanceof ProblemException problem && problem.type().status() >= 500;
    }
}
