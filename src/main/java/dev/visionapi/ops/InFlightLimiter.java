package dev.visionapi.ops;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.visionapi.config.AnalysisConfig;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.runtime.configuration.MemorySize;

/**
 * Admits analyses while there is room: at most {@code analysis.max-in-flight} at once, at most
 * {@code analysis.max-in-flight-per-client} of them from one client address, and uploads within
 * {@code analysis.upload-memory} all together. The one too many is refused at once, never queued, so overload costs
 * neither memory nor latency for the analyses already admitted. Upload memory is counted as the bytes arrive, so a
 * request that declares a large body and sends nothing holds none.
 */
@ApplicationScoped
public class InFlightLimiter {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong bytesHeld = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final int limit;
    private final int clientLimit;
    private final long memoryLimit;
    private final Duration retryAfter;

    InFlightLimiter(AnalysisConfig config,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.limit = config.maxInFlight();
        this.clientLimit = config.maxInFlightPerClient();
        // Never below one whole request of the largest size, which would then be refused forever.
        this.memoryLimit = Math.max(maxBodySize.asLongValue(),
                config.uploadMemory().map(MemorySize::asLongValue).orElse(Runtime.getRuntime().maxMemory() / 4));
        this.retryAfter = Duration.ofSeconds(config.overloadRetryAfterSeconds());
    }

    /**
     * Takes a place for one analysis from {@code client} that declares an upload of {@code declaredBytes} (0 when
     * not declared), or throws a problem: 429 when the client holds its share, 503 when the service is full or the
     * declared upload does not fit in the upload memory left. Nothing is held for the upload until it arrives
     * ({@link Admission#hold}). The admission must be closed once, when the response ends.
     */
    public Admission admit(String client, long declaredBytes) {
        AtomicInteger ofClient = perClient.compute(client, (key, count) -> {
            AtomicInteger held = count == null ? new AtomicInteger() : count;
            held.incrementAndGet();
            return held;
        });
        if (ofClient.get() > clientLimit) {
            release(client);
            throw new ProblemException(ProblemType.RATE_LIMITED, ("Your address has %d analyses under way, the limit "
                    + "per client. Try again once one has finished.").formatted(clientLimit), retryAfter, null);
        }
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            release(client);
            throw overloaded("The service is running %d analyses, its limit.".formatted(limit));
        }
        if (declaredBytes > memoryLimit - bytesHeld.get()) {
            inFlight.decrementAndGet();
            release(client);
            throw uploadsFull();
        }
        return new Admission(client);
    }

    private void release(String client) {
        perClient.computeIfPresent(client, (key, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    private ProblemException overloaded(String why) {
        return new ProblemException(ProblemType.OVERLOADED, why + " Try again shortly.", retryAfter, null);
    }

    private ProblemException uploadsFull() {
        return overloaded("The service holds as many uploads in memory as it may.");
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Upload bytes held by the analyses admitted. */
    public long bytesHeld() {
        return bytesHeld.get();
    }

    /** One analysis's place and the upload memory it holds. */
    public final class Admission implements AutoCloseable {

        private final AtomicBoolean closed = new AtomicBoolean();
        private final String client;
        private long held;

        private Admission(String client) {
            this.client = client;
        }

        /**
         * Holds {@code bytes} of upload memory in all (the body received so far), or throws a 503 problem, holding
         * nothing more, when the memory limit is reached. Called by the request's event loop only.
         */
        public void hold(long bytes) {
            long more = bytes - held;
            if (more <= 0) {
                return;
            }
            if (bytesHeld.addAndGet(more) > memoryLimit) {
                bytesHeld.addAndGet(-more);
                throw uploadsFull();
            }
            held = bytes;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                bytesHeld.addAndGet(-held);
                inFlight.decrementAndGet();
                release(client);
            }
        }
    }
}
