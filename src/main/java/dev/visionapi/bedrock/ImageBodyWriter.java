package dev.visionapi.bedrock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Writes the images of a Converse or ConverseStream request into its JSON body itself: each image base64-encoded
 * once, a chunk at a time, into the body's one buffer off the Java heap, which the SDK then signs and sends.
 * <p>
 * Why: the SDK's marshaller grows a buffer while it writes the base64 and then copies the body again for its HTTP
 * publisher. Calls last seconds, so every analysis in flight held its images and several copies of them, and under
 * load the garbage collector spent a third of the CPU moving them. The request handed to the SDK carries, in place of
 * each image's bytes, a random placeholder ({@link Images#placeholder}); the SDK marshals that small request as
 * usual, and this interceptor, before the request is signed, hands the SDK the final body as an {@link InMemoryBody}
 * (which {@link InPlaceSigV4Signer} hashes without a copy): the marshalled JSON around the placeholders, and each
 * image's base64 in their place. {@link Base64.Encoder#encode(byte[], byte[])} encodes with the processor's vector
 * instructions (about 40 microseconds for a 240 KB image, where the JDK's streaming encoder takes 250). From then on
 * the request no longer holds the images, so a request is sent once; the SDK keeps the body for its own retries, and
 * once the call has succeeded at its first attempt this interceptor gives the body's buffer back for another body
 * ({@link #afterExecution}).
 */
public final class ImageBodyWriter implements ExecutionInterceptor {

    private static final ExecutionAttribute<Images> IMAGES = new ExecutionAttribute<>("VisionApiImages");
    private static final SecureRandom RANDOM = new SecureRandom();
    // 18 random bytes: 24 base64 characters no prompt can guess, without padding.
    private static final int PLACEHOLDER_BYTES = 18;
    // Unused body buffers kept for the next bodies: about fifty bodies of a 240 KB image.
    private static final long IDLE_BODY_BYTES = 16 * 1024 * 1024;

    private final BodyBuffers buffers = new BodyBuffers(IDLE_BODY_BYTES);

    /** The images of one request, each known to the SDK only by its placeholder. */
    public static final class Images {

        private final Map<String, byte[]> byQuotedPlaceholder = new LinkedHashMap<>();
        /** The body once written: handed to the SDK until its first attempt is sent, given back after success. */
        private volatile InMemoryBody body;
        /** Attempts sent so far. */
        private final AtomicInteger attempts = new AtomicInteger();

        /** Adds an image; the returned placeholder goes into the request where the image's bytes would. */
        public SdkBytes placeholder(byte[] image) {
            byte[] placeholder = new byte[PLACEHOLDER_BYTES];
            RANDOM.nextBytes(placeholder);
            byQuotedPlaceholder.put('"' + Base64.getEncoder().encodeToString(placeholder) + '"', image);
            return SdkBytes.fromByteArrayUnsafe(placeholder);
        }

        /** Hands these images to the interceptor with the request they are placeholders in. */
        public void attachTo(AwsRequestOverrideConfiguration.Builder request) {
            request.putExecutionAttribute(IMAGES, this);
        }
    }

    /**
     * The body the SDK signs and sends (and sends again on a retry). The SDK's own, marshalled body is left in place
     * for its synchronous path, which an asynchronous client does not take once this body is given.
     */
    @Override
    public Optional<AsyncRequestBody> modifyAsyncHttpContent(Context.ModifyHttpRequest context,
            ExecutionAttributes attributes) {
        return body(context, attributes).map(AsyncRequestBody.class::cast).or(context::asyncRequestBody);
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        return body(context, attributes)
                .map(body -> (SdkHttpRequest) context.httpRequest().toBuilder()
                        .putHeader("Content-Length", Long.toString(body.contentLength().orElseThrow())).build())
                .orElse(context.httpRequest());
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Images images = attributes.getAttribute(IMAGES);
        if (images != null) {
            images.attempts.incrementAndGet(); // signed: what is sent is the SDK's now
        }
    }

    /**
     * Gives back the buffer of a call that succeeded at its first attempt: Bedrock answered, so it had read the whole
     * body, and the SDK will not send it again. After a retry an earlier attempt's connection might, in theory, still
     * be writing it, so that body is left to the garbage collector, as is the body of a failed call.
     */
    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Images images = attributes.getAttribute(IMAGES);
        if (images != null && images.body != null && images.attempts.get() == 1) {
            images.body.release();
        }
    }

    /**
     * The request's final body, written by whichever hook the SDK calls first (their order is the SDK's affair), or
     * empty for a request without images.
     */
    private Optional<InMemoryBody> body(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        Images images = attributes.getAttribute(IMAGES);
        if (images == null || context.requestBody().isEmpty()) {
            return Optional.empty();
        }
        if (images.attempts.get() > 0) {
            throw new IllegalStateException("A request with images is sent once; build another to send again");
        }
        if (images.body == null) {
            images.body = write(marshalled(context.requestBody().get()), images, buffers);
            // The caller's images can go while Bedrock answers; the SDK keeps this body for its retries.
            images.byQuotedPlaceholder.clear();
        }
        return Optional.of(images.body);
    }

    private static String marshalled(RequestBody body) {
        try (var stream = body.contentStreamProvider().newStream()) {
            // ISO-8859-1 maps each byte to one char, so string offsets are byte offsets.
            return new String(stream.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The marshalled JSON with each quoted placeholder replaced by the quoted base64 of its image. */
    static InMemoryBody write(String marshalled, Images images, BodyBuffers buffers) {
        List<Span> spans = new ArrayList<>();
        for (Map.Entry<String, byte[]> image : images.byQuotedPlaceholder.entrySet()) {
            String placeholder = image.getKey();
            int at = marshalled.indexOf(placeholder);
            if (at < 0 || marshalled.indexOf(placeholder, at + 1) >= 0) {
                throw new IllegalStateException("An image placeholder is not in the marshalled request exactly once");
            }
            spans.add(new Span(at + 1, at + placeholder.length() - 1, image.getValue()));
        }
        spans.sort(Comparator.comparingInt(Span::start));
        long length = marshalled.length();
        for (Span span : spans) {
            length += base64Length(span.image().length) - (span.end() - span.start());
        }
        ByteBuffer body = buffers.take(Math.toIntExact(length));
        Base64Chunks chunks = new Base64Chunks();
        int copied = 0;
        for (Span span : spans) {
            body.put(marshalled.substring(copied, span.start()).getBytes(StandardCharsets.ISO_8859_1));
            chunks.encode(span.image(), body);
            copied = span.end();
        }
        body.put(marshalled.substring(copied).getBytes(StandardCharsets.ISO_8859_1));
        return new InMemoryBody(body.flip(), buffers);
    }

    private static long base64Length(int bytes) {
        return 4L * ((bytes + 2) / 3);
    }

    /**
     * Base64 of an image into the body, a chunk at a time through two small arrays: the JDK's vectorised encoder
     * writes only into an array, and one array for a whole image was a third of the heap an analysis allocated.
     * Chunks are a multiple of 3 bytes, so their base64 joins up without padding between them. 3 KiB: with 12 KiB the
     * two arrays and the last chunk's were a tenth of what an analysis allocated, and the smaller chunks encode the
     * sample no slower (12-16 microseconds against 16-21 in a timing loop).
     */
    static final class Base64Chunks {

        static final int CHUNK_BYTES = 3 * 1024;

        private final byte[] chunk = new byte[CHUNK_BYTES];
        private final byte[] encoded = new byte[CHUNK_BYTES / 3 * 4];

        void encode(byte[] image, ByteBuffer into) {
            Base64.Encoder encoder = Base64.getEncoder();
            int at = 0;
            for (; image.length - at >= CHUNK_BYTES; at += CHUNK_BYTES) {
                System.arraycopy(image, at, chunk, 0, CHUNK_BYTES);
                into.put(encoded, 0, encoder.encode(chunk, encoded));
            }
            if (at < image.length) {
                into.put(encoder.encode(Arrays.copyOfRange(image, at, image.length)));
            }
        }
    }

    /** Where a placeholder's base64 (between its quotes) is in the marshalled JSON, and the image to put there. */
    private record Span(int start, int end, byte[] image) {
    }
}
