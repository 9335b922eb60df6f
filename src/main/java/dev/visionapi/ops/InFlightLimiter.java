package dev.visionapi.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import dev.visionapi.config.AnalysisConfig;
import io.quarkus.runtime.configuration.MemorySize;

/**
 * Admits analyses while there is room: at most {@code analysis.max-in-flight} at once, and uploads held in memory
 * within {@code analysis.upload-memory} all together. The one too many is refused at once with 503, never queued,
 * so overload costs neither memory nor latency for the analyses already admitted.
 */
@ApplicationScoped
public class InFlightLimiter {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong bytesHeld = new AtomicLong();
    private final int limit;
    private final long memoryLimit;
    private final Duration retryAfter;

    InFlightLimiter(AnalysisConfig config,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.limit = config.maxInFlight();
        // Never below one whole request of the largest size, which would then be refused forever.
        this.memoryLimit = Math.max(maxBodySize.asLongValue(),
                config.uploadMemory().map(MemorySize::asLongValue).orElse(Runtime.getRuntime().maxMemory() / 4));
        this.retryAfter = Duration.ofSeconds(config.overloadRetryAfterSeconds());
    }

    /**
     * Takes a place for one analysis whose upload will need {@code uploadBytes} of memory (its declared length, or
     * 0 when not declared), or throws a 503 problem. The admission must be closed once, when the response ends.
     */
    public Admission admit(long uploadBytes) {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            throw overloaded("The service is running %d analyses, its limit.".formatted(limit));
        }
        Admission admission = new Admission();
        try {
            admission.hold(uploadBytes);
        } catch (ProblemException e) {
            admission.close();
            throw e;
        }
        return admission;
    }

    private ProblemException overloaded(String why) {
        return new ProblemException(ProblemType.OVERLOADED, why + " Try again shortly.", retryAfter, null);
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Upload bytes held in memory by the analyses admitted. */
    public long bytesHeld() {
        return bytesHeld.get();
    }

    /** One analysis's place and the upload memory it holds. */
    public final class Admission implements AutoCloseable {

        private final AtomicBoolean closed = new AtomicBoolean();
        private long held;

        private Admission() {
        }

        /**
         * Holds at least {@code bytes} of upload memory in all, or throws a 503 problem, holding nothing more, when
         * the memory limit is reached. Called by the request's event loop only.
         */
        public void hold(long bytes) {
            long more = bytes - held;
            if (more <= 0) {
                return;
            }
            if (bytesHeld.addAndGet(more) > memoryLimit) {
                bytesHeld.addAndGet(-more);
                throw overloaded("The service holds as many uploads in memory as it may.");
            }
            held = bytes;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                bytesHeld.addAndGet(-held);
                inFlight.decrementAndGet();
            }
        }
    }
}
