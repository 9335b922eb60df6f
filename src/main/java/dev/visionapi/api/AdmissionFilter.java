package dev.visionapi.api;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.visionapi.config.AnalysisConfig;
import dev.visionapi.ops.InFlightLimiter;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Admission control for requests with a body, before the REST layer reads it: beyond the in-flight, per-client or
 * upload-memory limit ({@link InFlightLimiter}) a request is refused before its body is read. An admitted body is
 * watched while it arrives: its bytes are counted against the upload memory as they come, one that outgrows the
 * memory left is answered 503, one that outgrows {@code quarkus.http.limits.max-body-size} 413, and one that sends
 * nothing for {@code analysis.body-idle-timeout} 408; each of these closes its HTTP/1.1 connection (or resets its
 * HTTP/2 stream). The place is
 * released when the response ends. Every POST is admitted, whatever its path: only the analyses take a body, and a
 * path the REST layer reads differently (matrix parameters, say) cannot slip past.
 */
@ApplicationScoped
public class AdmissionFilter {

    private static final String ADMISSION_KEY = AdmissionFilter.class.getName();
    /** HTTP/2's CANCEL error code: the stream's body is no longer wanted. */
    private static final long HTTP2_CANCEL = 0x8;
    private static final String RECEIVED_KEY = ADMISSION_KEY + ".received";

    private final InFlightLimiter limiter;
    private final long maxBodyBytes;
    private final long idleTimeoutMillis;
    private final long tickMillis;
    private final long earlyRetryDelayMillis;
    /** When each connection's last request was refused for overload; weak, so a closed connection is forgotten. */
    private final Map<HttpConnection, Long> lastRefusals = Collections.synchronizedMap(new WeakHashMap<>());

    AdmissionFilter(InFlightLimiter limiter, AnalysisConfig config,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.limiter = limiter;
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.idleTimeoutMillis = Math.max(1, config.bodyIdleTimeout().toMillis());
        this.tickMillis = Math.max(1, Math.min(100, idleTimeoutMillis / 4));
        this.earlyRetryDelayMillis = config.earlyRetryDelay().toMillis();
    }

    void register(@Observes Router router) {
        // After the request ID and declared-length filters and Quarkus Security's path authorization, so that an upload
        // without a valid API key takes no place; before the REST layer.
        router.route().method(HttpMethod.POST).order(-SecurityHandlerPriorities.AUTHORIZATION + 1).handler(this::admit);
    }

    /**
     * Holds the whole body the REST layer has read for the request, if it was admitted here: called once the form
     * has arrived, so that the next admission sees it even if the watch has not counted its last bytes yet.
     */
    static void bodyReceived(RoutingContext context) {
        context.put(RECEIVED_KEY, Boolean.TRUE);
        BodyWatch watch = context.get(ADMISSION_KEY);
        if (watch != null) {
            watch.received();
        }
    }

    /**
     * Whether the request has a body that the REST layer has not handed to a resource method yet: a failure then is
     * one of reading the body, which the client sent wrong.
     */
    static boolean failedReadingBody(RoutingContext context) {
        return context != null && context.request().method() == HttpMethod.POST && context.get(RECEIVED_KEY) == null;
    }

    private void admit(RoutingContext context) {
        HttpServerRequest request = context.request();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        // BodyLimitFilter has refused lengths over max-body-size, and the HTTP codec malformed ones.
        long declared = length == null ? 0 : Long.parseLong(length);
        InFlightLimiter.Admission admission;
        try {
            admission = limiter.admit(clientOf(request), declared);
        } catch (ProblemException refused) {
            refuse(context, refused);
            return;
        }
        context.addEndHandler(ended -> admission.close());
        BodyWatch watch = new BodyWatch(context, admission);
        context.put(ADMISSION_KEY, watch);
        watch.start();
        if (request.version() != HttpVersion.HTTP_2
                && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            request.response().writeContinue();
            // Answered here; the REST layer must not send a second 100 Continue.
            request.headers().remove(HttpHeaders.EXPECT);
        }
        context.next();
    }

    private static String clientOf(HttpServerRequest request) {
        return request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    }

    /**
     * Answers at once; the body is drained, not held, so the connection stays usable and the refusal costs no memory.
     * A client that sends again on the same HTTP/1.1 connection before the Retry-After of its last 503 gets its
     * refusal after {@code analysis.early-retry-delay}, the connection unread meanwhile, so that a client retrying in
     * a loop costs a few refusals a second.
     */
    private void refuse(RoutingContext context, ProblemException refused) {
        HttpServerRequest request = context.request();
        if (earlyRetryDelayMillis > 0 && refused.type() == ProblemType.OVERLOADED
                && request.version() != HttpVersion.HTTP_2 && refusedAgainTooSoon(request.connection(), refused)) {
            request.pause();
            context.vertx().setTimer(earlyRetryDelayMillis, held -> {
                if (!context.response().closed()) {
                    refuseUnread(context, refused);
                }
            });
            return;
        }
        refuseUnread(context, refused);
    }

    private static void refuseUnread(RoutingContext context, ProblemException refused) {
        context.request().handler(chunk -> {
        });
        context.request().resume();
        ProblemWriter.write(context, refused);
    }

    private boolean refusedAgainTooSoon(HttpConnection connection, ProblemException refused) {
        long now = System.nanoTime();
        Long last = lastRefusals.put(connection, now);
        return last != null && now - last < refused.retryAfter().orElseThrow().toNanos();
    }

    /** One admitted request's body as it arrives; used on the request's event loop only. */
    private final class BodyWatch {

        private final RoutingContext context;
        private final HttpServerRequest request;
        private final InFlightLimiter.Admission admission;
        private long timer = -1;
        private long lastBytes;
        private long lastProgressMillis;
        private boolean done;

        BodyWatch(RoutingContext context, InFlightLimiter.Admission admission) {
            this.context = context;
            this.request = context.request();
            this.admission = admission;
        }

        void start() {
            lastProgressMillis = System.currentTimeMillis();
            timer = context.vertx().setPeriodic(tickMillis, tick -> check());
            context.addEndHandler(ended -> stop());
        }

        /** The REST layer has the whole body: it is held, and watched no longer. */
        void received() {
            stop();
            admission.hold(request.bytesRead());
        }

        private void stop() {
            if (!done) {
                done = true;
                context.vertx().cancelTimer(timer);
            }
        }

        private void check() {
            if (done) {
                return;
            }
            long bytes = request.bytesRead();
            long now = System.currentTimeMillis();
            try {
                admission.hold(bytes);
            } catch (ProblemException overloaded) {
                fail(overloaded);
                return;
            }
            if (bytes > maxBodyBytes) {
                fail(new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, BodyLimitFilter.tooLargeDetail(maxBodyBytes)));
            } else if (request.isEnded()) {
                stop();
            } else if (bytes > lastBytes) {
                lastBytes = bytes;
                lastProgressMillis = now;
            } else if (now - lastProgressMillis >= idleTimeoutMillis) {
                fail(new ProblemException(ProblemType.REQUEST_TIMEOUT,
                        "The request body sent nothing for %d ms.".formatted(idleTimeoutMillis)));
            }
        }

        /** Answered now, mid-body: the connection is closed, as it cannot carry another request. */
        private void fail(ProblemException problem) {
            stop();
            if (!context.response().ended()) {
                ProblemWriter.writeAndClose(context, problem);
            }
            if (request.version() == HttpVersion.HTTP_2) {
                request.response().reset(HTTP2_CANCEL);
            }
        }
    }
}
