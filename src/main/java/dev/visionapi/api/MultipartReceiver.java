package dev.visionapi.api;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.visionapi.config.AnalysisConfig;
import dev.visionapi.config.ImagesConfig;
import dev.visionapi.ops.InFlightLimiter;
import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.netty.buffer.ByteBuf;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Receives the multipart form of {@code POST /v1/analyses} into memory as it arrives, with Jetty's multipart parser,
 * and hands it to the REST layer as a {@link ReceivedForm}. Admission comes first: an analysis beyond the in-flight
 * or upload-memory limit is refused with 503 before its body is read. The parser hands part content over as slices
 * of the received buffers, so each image is copied once, into an array sized from the declared length: out of
 * Netty's pooled buffers on an HTTP/1.1 connection that has carried an analysis before ({@link
 * RequestBodyInterceptor}), otherwise out of the heap copy Vert.x makes of every chunk. An image over the per-image
 * limit is dropped as it streams in, and the request is answered 413 once its body has been read. Nothing is written
 * to disk. (Vert.x's own decoder, Netty's, copied every image twice more and took a tenth of the service's CPU.) A
 * client that sends again on the same connection before the {@code Retry-After} of its last refusal, while the
 * service is still full, gets its 503 after {@code analysis.early-retry-delay}, its upload unread meanwhile: clients
 * that retry in a loop otherwise made the service read thousands of refused uploads a second, and the answers of the
 * analyses admitted waited behind them (bench/RESULTS.md).
 */
@ApplicationScoped
public class MultipartReceiver {

    private static final Logger LOG = Logger.getLogger(MultipartReceiver.class);
    private static final String IMAGE_FIELD = "image";
    /** First capacity of an image in a request that does not declare its length (chunked). */
    private static final int CHUNKED_FIRST_CAPACITY = 64 * 1024;
    /** First capacity of a text field: most are a few words. */
    private static final int FIELD_FIRST_CAPACITY = 256;

    private final InFlightLimiter limiter;
    private final long earlyRetryDelayMillis;
    private final long maxFileBytes;
    private final long maxBodyBytes;
    private final int maxFieldBytes;
    private final int maxPartHeaderBytes;
    private final int maxParts;

    MultipartReceiver(InFlightLimiter limiter, ImagesConfig images, AnalysisConfig analysis,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
            @ConfigProperty(name = "quarkus.http.limits.max-form-attribute-size") MemorySize maxFieldSize,
            @ConfigProperty(name = "quarkus.http.limits.max-form-buffered-bytes") MemorySize maxPartHeaderSize,
            @ConfigProperty(name = "quarkus.http.limits.max-form-fields") int maxParts) {
        this.limiter = limiter;
        this.earlyRetryDelayMillis = analysis.earlyRetryDelay().toMillis();
        this.maxFileBytes = images.maxFileBytes();
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.maxFieldBytes = (int) maxFieldSize.asLongValue();
        this.maxPartHeaderBytes = (int) maxPartHeaderSize.asLongValue();
        this.maxParts = maxParts;
    }

    void register(@Observes Router router) {
        // After the request ID and declared-length filters and Quarkus Security's path authorization, so that an upload
        // without a valid API key is refused before its body is read; before the REST layer.
        router.postWithRegex("/v1/analyses/?").order(-SecurityHandlerPriorities.AUTHORIZATION + 1).handler(this::receive);
    }

    private void receive(RoutingContext context) {
        HttpServerRequest request = context.request();
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            context.next(); // the REST layer answers 415
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        // The declared length is at most max-body-size here: BodyLimitFilter has refused larger ones.
        long declared = length == null ? -1 : Long.parseLong(length);
        if (declared < 0 && request.version() == HttpVersion.HTTP_2) {
            // Over HTTP/2 the form must be complete before its stream ends (see Reception.receiveChunk).
            refuseUnread(context, new ProblemException(ProblemType.LENGTH_REQUIRED,
                    "Over HTTP/2, send the form with its Content-Length."));
            return;
        }
        RequestBodyInterceptor interceptor = RequestBodyInterceptor.installOn(request);
        InFlightLimiter.Admission admission;
        try {
            admission = limiter.admit(Math.max(declared, 0));
        } catch (ProblemException overloaded) {
            if (interceptor != null) {
                interceptor.dropRestOf(request.headers()); // what Vert.x has not been handed yet, dropped as it arrives
                if (earlyRetryDelayMillis > 0
                        && interceptor.refusedAgainWithin(overloaded.retryAfter().orElseThrow())) {
                    refuseAfterDelay(context, interceptor, overloaded);
                    return;
                }
            }
            refuseUnread(context, overloaded);
            return;
        }
        context.addEndHandler(ended -> admission.close());
        new Reception(context, admission, declared, boundaryOf(type)).start(interceptor);
    }

    /** The refusal of an early retry, once its connection has gone unread for {@code analysis.early-retry-delay}. */
    private void refuseAfterDelay(RoutingContext context, RequestBodyInterceptor interceptor,
            ProblemException overloaded) {
        interceptor.pauseReading();
        context.vertx().setTimer(earlyRetryDelayMillis, held -> {
            interceptor.resumeReading();
            if (!context.response().closed()) {
                refuseUnread(context, overloaded);
            }
        });
    }

    /** Drained, not held: the connection stays usable and the refusal costs no memory. */
    private static void refuseUnread(RoutingContext context, ProblemException problem) {
        context.request().handler(chunk -> {
        });
        context.request().resume();
        ProblemWriter.write(context, problem);
    }

    /** One request's form as it arrives; used on the request's event loop only. */
    private final class Reception extends MultiPart.AbstractPartsListener {

        private final RoutingContext context;
        private final HttpServerRequest request;
        private final InFlightLimiter.Admission admission;
        private final long declared;
        private final MultiPart.Parser parser;
        /** What follows the last part at least: {@code CRLF--boundary--} (most clients add a CRLF). */
        private final int closeBytes;
        private final MultiMap fields = MultiMap.caseInsensitiveMultiMap();
        private final List<UploadedImage> images = new ArrayList<>();
        private long received;
        /** Where in the body the buffer being parsed starts, and that buffer (the parser moves its position). */
        private long parsedOffset;
        private ByteBuffer parsing;
        private int parts;
        private boolean inPartHeaders;
        private boolean complete;
        private boolean finished;
        private PartBytes image;
        private PartBytes field;
        private ProblemException refusal;

        Reception(RoutingContext context, InFlightLimiter.Admission admission, long declared, String boundary) {
            this.context = context;
            this.request = context.request();
            this.admission = admission;
            this.declared = declared;
            this.parser = boundary == null ? null : new MultiPart.Parser(boundary, this);
            this.closeBytes = boundary == null ? 0 : boundary.length() + 6;
            if (parser != null) {
                parser.setPartHeadersMaxLength(maxPartHeaderBytes);
                parser.setMaxParts(maxParts + 1L); // a backstop: onPartBegin refuses the first part too many
            }
        }

        /** Takes the body from Netty's buffers through the interceptor where it can, otherwise from Vert.x. */
        void start(RequestBodyInterceptor interceptor) {
            if (parser == null) {
                refuse(malformed());
            }
            if (interceptor == null || !interceptor.takeBodyOf(request.headers(), this::receiveChunk)) {
                request.handler(chunk -> receiveChunk(chunk.getByteBuf()));
            }
            request.exceptionHandler(failure -> LOG.debugf("Request ended before its form was received: %s",
                    failure.toString()));
            request.endHandler(ended -> finish());
            if (request.version() == HttpVersion.HTTP_1_1
                    && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                request.response().writeContinue();
                // Answered here; the REST layer must not send a second 100 Continue after the body.
                request.headers().remove(HttpHeaders.EXPECT);
            }
            request.resume();
        }

        /** Parses the chunk at once: it is not valid after this returns (see onPartContent). */
        private void receiveChunk(ByteBuf chunk) {
            parsedOffset = received;
            count(chunk.readableBytes());
            if (refusal == null) {
                parsing = chunk.nioBuffer();
                parser.parse(Content.Chunk.from(parsing, false));
            }
            if (received == declared && request.version() == HttpVersion.HTTP_2) {
                // The whole form is here and its stream has not ended yet: finished now, the request paused so that
                // its end is not delivered. The REST layer pauses every request it takes, and Vert.x refuses to pause
                // an HTTP/2 request that has ended (quarkusio/quarkus#34393).
                request.pause();
                finish();
            }
        }

        private void count(int length) {
            received += length;
            if (declared >= 0 || context.response().ended()) {
                return;
            }
            if (received > maxBodyBytes) {
                // A chunked body without end in sight: answered now (with the refusal it already had, if any), and
                // the connection closed.
                refuse(tooLarge(BodyLimitFilter.tooLargeDetail(maxBodyBytes)));
                ProblemWriter.writeAndClose(context, refusal);
            } else if (refusal == null) {
                try {
                    admission.hold(received);
                } catch (ProblemException overloaded) {
                    refuse(overloaded);
                }
            }
        }

        @Override
        public void onPartBegin() {
            inPartHeaders = true;
            if (++parts > maxParts) {
                refuse(new ProblemException(ProblemType.INVALID_REQUEST, "The form has too many fields."));
            }
        }

        /** Text fields are kept; of the files, only images. */
        @Override
        public void onPartHeaders() {
            inPartHeaders = false;
            if (refusal != null || getName() == null) {
                return;
            }
            if (getFileName() == null) {
                field = new PartBytes(Math.min(FIELD_FIRST_CAPACITY, maxFieldBytes), maxFieldBytes, maxFieldBytes);
            } else if (IMAGE_FIELD.equals(getName())) {
                image = declared >= 0 ? imageOfDeclaredLength()
                        : new PartBytes(CHUNKED_FIRST_CAPACITY, maxFileBytes, maxFileBytes);
            }
        }

        /**
         * Sized for what is left of the body when it is the last part and the body ends as most clients end it; it
         * can still grow to what is left in any case. A part that is not the last is trimmed once it has arrived.
         */
        private PartBytes imageOfDeclaredLength() {
            long left = declared - (parsedOffset + parsing.position()) - closeBytes;
            return new PartBytes((int) Math.max(0, Math.min(maxFileBytes, left - 2)),
                    Math.max(0, Math.min(maxFileBytes, left)), maxFileBytes);
        }

        /**
         * Copied before this returns, never retained: the chunk is a slice of the received buffer, which is Netty's
         * pooled buffer when the interceptor took the body, released as soon as it has been parsed.
         */
        @Override
        public void onPartContent(Content.Chunk chunk) {
            ByteBuffer content = chunk.getByteBuffer();
            if (refusal == null && image != null && !image.append(content)) {
                refuse(tooLarge("'%s' is larger than %d bytes, the limit per image."
                        .formatted(getFileName(), maxFileBytes)));
            } else if (refusal == null && field != null && !field.append(content)) {
                refuse(tooLarge("A form field is longer than %d bytes.".formatted(maxFieldBytes)));
            }
        }

        @Override
        public void onPart(String name, String fileName, HttpFields headers) {
            if (refusal == null && image != null) {
                images.add(new UploadedImage(fileName, image.bytes()));
            } else if (refusal == null && field != null) {
                Charset charset = charsetOf(headers);
                if (charset == null) {
                    refuse(malformed());
                } else {
                    fields.add(name, field.text(charset));
                }
            }
            image = null;
            field = null;
        }

        @Override
        public void onComplete() {
            complete = true;
        }

        @Override
        public void onFailure(Throwable failure) {
            // The parser refuses part headers beyond their limit with an IllegalStateException; other failures are
            // a body that is not multipart as declared, or one that ended before its closing boundary.
            if (inPartHeaders && failure instanceof IllegalStateException) {
                refuse(tooLarge("The headers of a form part are longer than %d bytes.".formatted(maxPartHeaderBytes)));
            } else {
                LOG.debugf("Malformed multipart body: %s", failure.toString());
                refuse(malformed());
            }
        }

        /** Keeps reading, and dropping, the rest of the body; the refusal is the answer once it has been read. */
        private void refuse(ProblemException problem) {
            if (refusal == null) {
                refusal = problem;
                images.clear();
                image = null;
                field = null;
            }
        }

        private void finish() {
            if (finished) {
                return;
            }
            finished = true;
            if (refusal == null && !complete) {
                parser.parse(Content.Chunk.EOF); // reports a body that ended before its closing boundary
            }
            if (context.response().ended()) {
                return;
            }
            if (refusal != null) {
                ProblemWriter.write(context, refusal);
                return;
            }
            context.put(ReceivedForm.CONTEXT_KEY, new ReceivedForm(fields, List.copyOf(images)));
            images.clear(); // this reception lives as long as the request; the images go with the form
            context.next();
        }
    }

    /** The boundary the content type declares; null when it declares none, or not one that can be read. */
    private static String boundaryOf(String contentType) {
        try {
            String boundary = MultiPart.extractBoundary(contentType);
            return boundary == null || boundary.isEmpty() ? null : boundary;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** The charset a text part declares (UTF-8 when it declares none); null when it is unknown. */
    private static Charset charsetOf(HttpFields headers) {
        String type = headers.get(HttpHeader.CONTENT_TYPE);
        if (type == null) {
            return StandardCharsets.UTF_8;
        }
        Map<String, String> parameters = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        HttpField.getValueParameters(type, parameters);
        String name = parameters.get("charset");
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    private static ProblemException tooLarge(String detail) {
        return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, detail);
    }

    private static ProblemException malformed() {
        return new ProblemException(ProblemType.INVALID_REQUEST,
                "The request body is not well-formed multipart/form-data.");
    }

    /**
     * The bytes of one part (an image or a text field) as they arrive, in one array that grows only when its first
     * size was too small, and never beyond what the part can still be.
     */
    private static final class PartBytes {

        private final long growthLimit;
        private final long limit;
        private byte[] data;
        private int size;

        /** {@code growthLimit}: the most the part can be (at most {@code limit}); over {@code limit} it is refused. */
        PartBytes(int capacity, long growthLimit, long limit) {
            this.data = new byte[capacity];
            this.growthLimit = growthLimit;
            this.limit = limit;
        }

        /** False, keeping nothing more, when the part would exceed its limit. */
        boolean append(ByteBuffer content) {
            int length = content.remaining();
            if (size + (long) length > limit) {
                data = null;
                return false;
            }
            if (size + length > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(Math.max(growthLimit, size + length),
                        Math.max(2L * data.length, size + length)));
            }
            content.get(data, size, length);
            size += length;
            return true;
        }

        /** The part's bytes, in an array of their size; the part holds them no longer. */
        byte[] bytes() {
            byte[] content = size == data.length ? data : Arrays.copyOf(data, size);
            data = null; // the part listener holding this lives as long as the request
            return content;
        }

        String text(Charset charset) {
            return new String(data, 0, size, charset);
        }
    }
}
