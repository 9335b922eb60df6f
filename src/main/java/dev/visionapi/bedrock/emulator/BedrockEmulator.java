package dev.visionapi.bedrock.emulator;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A stand-in for the Bedrock runtime API on loopback, speaking its wire protocol: Converse as restJson1 over HTTP/1.1
 * or h2c, ConverseStream as {@code application/vnd.amazon.eventstream}, errors in {@code x-amzn-ErrorType}. The real
 * AWS SDK client talks to it unchanged. It serves the dev mode when no AWS credentials are found ({@link
 * DevModeBedrock}), and the integration tests, which give it a scripted {@link ConverseHandler} and may serve it over
 * TLS. Like Bedrock, it answers 403 to a request not signed (SigV4, body included) with the credentials it is given,
 * and 400 ValidationException to an image read from S3 ({@code s3Location}) by a model that cannot read S3 (it never
 * reads the object itself), to a {@code cachePoint} for a model without prompt caching and to {@code outputConfig} for
 * one without native structured output ({@link ModelFeatures}).
 */
public final class BedrockEmulator implements AutoCloseable {

    /** Decides the reply to one Converse call; may complete later (latency) or never (a hang). */
    @FunctionalInterface
    public interface ConverseHandler {
        Future<EmulatorReply> handle(ConverseCall call);
    }

    private static final Pattern CONVERSE_PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream)");
    // The control plane's batch jobs: create, describe (the identifier, an ARN or an ID, URL-encoded) and stop.
    private static final Pattern JOB_PATH = Pattern.compile("/model-invocation-job(?:/([^/]+)(/stop)?)?");
    private static final String ERROR_TYPE_HEADER = "x-amzn-ErrorType";
    // Bedrock reads images from S3 itself for Amazon Nova's vision models only: Premier, Pro and Lite, not Micro.
    private static final Pattern READS_S3_IMAGES = Pattern.compile("(^|\\.)amazon\\.nova-(premier|pro|lite)-");
    // Matches the AWS services' own advertised limit; the SDK opens further connections beyond it.
    private static final int MAX_STREAMS_PER_CONNECTION = 128;

    /** Told when a ConverseStream response starts, and when it ends whether it was written to its end. */
    interface StreamListener {

        StreamListener NONE = new StreamListener() {
        };

        default void opened() {
        }

        default void ended(boolean completed) {
        }
    }

    private final Vertx vertx;
    private final ConverseHandler handler;
    private final SignatureCheck signatures;
    private final HttpServerOptions options;
    private final HttpServer server;
    private final StreamListener streams;
    private final BatchInference batch;

    private BedrockEmulator(Vertx vertx, AwsCredentialsIdentity credentials, ConverseHandler handler,
            HttpServerOptions options, StreamListener streams) {
        this.vertx = vertx;
        this.handler = handler;
        this.signatures = new SignatureCheck(credentials);
        this.options = options;
        this.streams = streams;
        this.server = vertx.createHttpServer(options).requestHandler(this::route);
        this.batch = new BatchInference(vertx, handler, () -> {
            throw new IllegalStateException("no S3 storage is configured for the emulator's batch jobs");
        });
    }

    /**
     * Starts an emulator on a free loopback port that accepts requests signed with these credentials, over HTTP/1.1 or
     * h2c; blocks until it listens, so call it at start-up only.
     */
    public static BedrockEmulator start(Vertx vertx, AwsCredentialsIdentity credentials, ConverseHandler handler) {
        return start(vertx, credentials, handler, options -> { }, StreamListener.NONE);
    }

    /**
     * As {@link #start(Vertx, AwsCredentialsIdentity, ConverseHandler)}, with the server's options adjusted (TLS) and
     * its streams observed: the seam the tests' own emulator uses.
     */
    static BedrockEmulator start(Vertx vertx, AwsCredentialsIdentity credentials, ConverseHandler handler,
            Consumer<HttpServerOptions> adjust, StreamListener streams) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(MAX_STREAMS_PER_CONNECTION));
        adjust.accept(options);
        BedrockEmulator emulator = new BedrockEmulator(vertx, credentials, handler, options, streams);
        emulator.server.listen().toCompletionStage().toCompletableFuture().join();
        return emulator;
    }

    /** The URL to use as {@code bedrock.endpoint-override}. */
    public URI endpoint() {
        return URI.create((options.isSsl() ? "https" : "http") + "://127.0.0.1:" + server.actualPort());
    }

    /** Bedrock's batch inference jobs, played on this emulator's Converse handler. */
    BatchInference batch() {
        return batch;
    }

    @Override
    public void close() {
        server.close();
    }

    private void route(HttpServerRequest request) {
        Matcher converse = CONVERSE_PATH.matcher(request.path());
        Matcher job = JOB_PATH.matcher(request.path());
        String method = request.method().name();
        boolean isConverse = "POST".equals(method) && converse.matches();
        boolean isJob = job.matches() && ("POST".equals(method) ? job.group(1) == null || job.group(2) != null
                : "GET".equals(method) && job.group(1) != null && job.group(2) == null);
        if (!isConverse && !isJob) {
            reply(request, EmulatorReply.error(404, "UnknownOperationException", "No such operation"));
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            reply(request, EmulatorReply.error(403, "MissingAuthenticationTokenException", "Missing signature"));
            return;
        }
        if (isJob) {
            String identifier = job.group(1) == null ? null : URLDecoder.decode(job.group(1), StandardCharsets.UTF_8);
            request.body()
                    .map(body -> !signatures.verify(request, body) ? invalidSignature()
                            : identifier == null ? batch.create(body.toJsonObject())
                            : job.group(2) != null ? batch.stop(identifier) : batch.get(identifier))
                    .onSuccess(reply -> reply(request, reply))
                    .onFailure(failure -> reply(request, failed(failure)));
            return;
        }
        String modelId = URLDecoder.decode(converse.group(1), StandardCharsets.UTF_8);
        boolean streaming = "converse-stream".equals(converse.group(2));
        request.body()
                .compose(body -> {
                    if (!signatures.verify(request, body)) {
                        return Future.succeededFuture(invalidSignature());
                    }
                    ConverseCall call = new ConverseCall(modelId, body.toJsonObject(), streaming);
                    EmulatorReply refused = refusedImageSource(call);
                    if (refused == null) {
                        refused = refusedFeature(call);
                    }
                    return refused != null ? Future.succeededFuture(refused) : handler.handle(call);
                })
                .onSuccess(reply -> {
                    if (streaming && reply.status() == 200 && !reply.connectionDropped()) {
                        stream(request, reply);
                    } else {
                        reply(request, reply);
                    }
                })
                .onFailure(failure -> reply(request, failed(failure)));
    }

    private static EmulatorReply invalidSignature() {
        return EmulatorReply.error(403, "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided.");
    }

    private static EmulatorReply failed(Throwable failure) {
        return failure instanceof DecodeException || failure instanceof ClassCastException
                ? EmulatorReply.error(400, "ValidationException", "Malformed request body")
                : EmulatorReply.error(500, "InternalServerException", "Emulator failure");
    }

    /**
     * Bedrock's ValidationException for an image read from S3 by a model that cannot do that, or named by something
     * else than an {@code s3://} URI; null when the call's image sources are fine.
     */
    private static EmulatorReply refusedImageSource(ConverseCall call) {
        for (JsonObject location : call.s3Locations()) {
            if (!READS_S3_IMAGES.matcher(call.modelId()).find()) {
                return EmulatorReply.error(400, "ValidationException",
                        "The model " + call.modelId() + " does not support images from an S3 location.");
            }
            if (!location.getString("uri", "").startsWith("s3://")) {
                return EmulatorReply.error(400, "ValidationException", "An S3 location's uri must be s3://bucket/key.");
            }
        }
        return null;
    }

    /**
     * Bedrock's ValidationException for a cache point sent to a model without prompt caching, or native structured
     * output asked of a model without it; null when the call asks for neither or the model has them.
     */
    static EmulatorReply refusedFeature(ConverseCall call) {
        String cachePoint = call.cachePointPath();
        if (cachePoint != null && ModelFeatures.cacheMinimum(call.modelId()).isEmpty()) {
            return EmulatorReply.error(400, "ValidationException", "Malformed input request: " + cachePoint
                    + ": extraneous key [cachePoint] is not permitted, please reformat your input and try again.");
        }
        if (call.body().containsKey("outputConfig") && !ModelFeatures.takesOutputConfig(call.modelId())) {
            return EmulatorReply.error(400, "ValidationException",
                    "The model " + call.modelId() + " does not support structured output (outputConfig.textFormat).");
        }
        return null;
    }

    private void stream(HttpServerRequest request, EmulatorReply reply) {
        streams.opened();
        ConverseStreamWriter.stream(vertx, request.response(), reply, streams::ended);
    }

    private static void reply(HttpServerRequest request, EmulatorReply reply) {
        if (request.response().closed()) {
            return; // the client gave up (its deadline passed) before the scripted reply was due
        }
        if (reply.connectionDropped()) {
            request.connection().close();
            return;
        }
        var response = request.response().setStatusCode(reply.status()).putHeader("Content-Type", "application/json");
        if (reply.errorType() != null) {
            response.putHeader(ERROR_TYPE_HEADER, reply.errorType() + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        }
        response.end(reply.body().encode());
    }
}
