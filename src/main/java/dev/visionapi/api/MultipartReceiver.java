package dev.visionapi.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.visionapi.config.ImagesConfig;
import dev.visionapi.ops.InFlightLimiter;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Receives the multipart form of {@code POST /v1/analyses} into memory as it arrives, with Vert.x's (Netty's)
 * multipart decoder, and hands it to the REST layer as a {@link ReceivedForm}. Admission comes first: an analysis
 * beyond the in-flight or upload-memory limit is refused with 503 before its body is read. Image files are copied
 * once, into an array sized from the declared length; an image over the per-image limit is dropped as it streams
 * in, and the request is answered 413 once its body has been read. Nothing is written to disk.
 */
@ApplicationScoped
public class MultipartReceiver {

    private static final Logger LOG = Logger.getLogger(MultipartReceiver.class);
    private static final String IMAGE_FIELD = "image";
    /** First capacity of an image in a request that does not declare its length (chunked). */
    private static final int CHUNKED_FIRST_CAPACITY = 64 * 1024;

    private final InFlightLimiter limiter;
    private final long maxFileBytes;
    private final long maxBodyBytes;
    private final int maxFieldBytes;

    MultipartReceiver(InFlightLimiter limiter, ImagesConfig images,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
            @ConfigProperty(name = "quarkus.http.limits.max-form-attribute-size") MemorySize maxFieldSize) {
        this.limiter = limiter;
        this.maxFileBytes = images.maxFileBytes();
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.maxFieldBytes = (int) maxFieldSize.asLongValue();
    }

    void register(@Observes Router router) {
        // After the request ID, declared-length and API-key filters; before the REST layer.
        router.postWithRegex("/v1/analyses/?").order(Integer.MIN_VALUE + 3).handler(this::receive);
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
        InFlightLimiter.Admission admission;
        try {
            admission = limiter.admit(Math.max(declared, 0));
        } catch (ProblemException overloaded) {
            // Drained, not held: the connection stays usable and the refusal costs no memory.
            request.handler(chunk -> {
            });
            request.resume();
            ProblemWriter.write(context, overloaded);
            return;
        }
        context.addEndHandler(ended -> admission.close());
        new Reception(context, admission, declared).start();
    }

    /** One request's form as it arrives; used on the request's event loop only. */
    private final class Reception {

        private final RoutingContext context;
        private final HttpServerRequest request;
        private final InFlightLimiter.Admission admission;
        private final long declared;
        private final List<UploadedImage> images = new ArrayList<>();
        private long received;
        private ProblemException refusal;

        Reception(RoutingContext context, InFlightLimiter.Admission admission, long declared) {
            this.context = context;
            this.request = context.request();
            this.admission = admission;
            this.declared = declared;
        }

        void start() {
            try {
                request.setExpectMultipart(true);
            } catch (RuntimeException e) {
                LOG.debug("Multipart request refused before its body", e);
                refuse(malformed());
            }
            request.handler(this::count);
            request.uploadHandler(this::receiveFile);
            request.exceptionHandler(this::failed);
            request.endHandler(ended -> finish());
            if (request.version() == HttpVersion.HTTP_1_1
                    && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                request.response().writeContinue();
                // Answered here; the REST layer must not send a second 100 Continue after the body.
                request.headers().remove(HttpHeaders.EXPECT);
            }
            request.resume();
        }

        private void count(Buffer chunk) {
            received += chunk.length();
            if (declared >= 0 || context.response().ended()) {
                return;
            }
            if (received > maxBodyBytes) {
                // A chunked body without end in sight: answered now, and the connection closed.
                refuse(tooLarge(BodyLimitFilter.tooLargeDetail(maxBodyBytes)));
                ProblemWriter.writeAndClose(context, refusal.type(), refusal.getMessage());
            } else if (refusal == null) {
                try {
                    admission.hold(received);
                } catch (ProblemException overloaded) {
                    refuse(overloaded);
                }
            }
        }

        private void receiveFile(HttpServerFileUpload upload) {
            if (refusal != null || !IMAGE_FIELD.equals(upload.name())) {
                upload.handler(chunk -> {
                });
                return;
            }
            ImageBytes image = new ImageBytes(upload.filename(), declared >= 0
                    ? (int) Math.min(maxFileBytes, Math.max(0, declared - received))
                    : CHUNKED_FIRST_CAPACITY);
            upload.handler(chunk -> {
                if (refusal == null && !image.append(chunk)) {
                    refuse(tooLarge("'%s' is larger than %d bytes, the limit per image."
                            .formatted(image.fileName, maxFileBytes)));
                }
            });
            upload.endHandler(ended -> {
                if (refusal == null) {
                    images.add(image.toUpload());
                }
            });
        }

        /** Decoder failures; a connection closing mid-request needs no answer. */
        private void failed(Throwable failure) {
            // Netty reports a text field beyond quarkus.http.limits.max-form-attribute-size as an IOException inside
            // a decoder exception, and one it had to buffer too long as TooLongFormFieldException.
            boolean fieldTooLong = failure instanceof HttpPostRequestDecoder.TooLongFormFieldException
                    || failure instanceof HttpPostRequestDecoder.ErrorDataDecoderException
                            && failure.getCause() instanceof IOException;
            if (fieldTooLong) {
                refuse(tooLarge("A form field is longer than %d bytes.".formatted(maxFieldBytes)));
            } else if (failure instanceof HttpPostRequestDecoder.TooManyFormFieldsException) {
                refuse(new ProblemException(ProblemType.INVALID_REQUEST, "The form has too many fields."));
            } else if (failure instanceof HttpPostRequestDecoder.ErrorDataDecoderException) {
                LOG.debug("Malformed multipart body", failure);
                refuse(malformed());
            } else {
                LOG.debugf("Request ended before its form was received: %s", failure.toString());
            }
        }

        /** Keeps reading, and dropping, the rest of the body; the refusal is the answer once it has been read. */
        private void refuse(ProblemException problem) {
            if (refusal == null) {
                refusal = problem;
                images.clear();
            }
        }

        private void finish() {
            if (context.response().ended()) {
                return;
            }
            if (refusal != null) {
                ProblemWriter.write(context, refusal);
                return;
            }
            context.put(ReceivedForm.CONTEXT_KEY, new ReceivedForm(request.formAttributes(), List.copyOf(images)));
            images.clear(); // this reception lives as long as the request; the images go with the form
            context.next();
        }
    }

    private static ProblemException tooLarge(String detail) {
        return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, detail);
    }

    private static ProblemException malformed() {
        return new ProblemException(ProblemType.INVALID_REQUEST,
                "The request body is not well-formed multipart/form-data.");
    }

    /** The bytes of one image as they arrive, in one array that grows only when the length was not declared. */
    private final class ImageBytes {

        private final String fileName;
        private byte[] data;
        private int size;

        ImageBytes(String fileName, int capacity) {
            this.fileName = fileName;
            this.data = new byte[capacity];
        }

        /** False, keeping nothing more, when the image would exceed the per-image limit. */
        boolean append(Buffer chunk) {
            int length = chunk.length();
            if (size + (long) length > maxFileBytes) {
                data = null;
                return false;
            }
            if (size + length > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(maxFileBytes, Math.max(2L * data.length, size + length)));
            }
            chunk.getBytes(0, length, data, size);
            size += length;
            return true;
        }

        UploadedImage toUpload() {
            byte[] content = size == data.length ? data : Arrays.copyOf(data, size);
            data = null; // the upload handlers holding this live as long as the request
            return new UploadedImage(fileName, content);
        }
    }
}
