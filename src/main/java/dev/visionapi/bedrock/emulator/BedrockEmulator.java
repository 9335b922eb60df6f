package dev.visionapi.bedrock.emulator;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.net.KeyCertOptions;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A stand-in for the Bedrock runtime API on loopback, speaking its wire protocol: Converse as restJson1 over HTTP/1.1
 * or h2c (or over TLS, HTTP/2 negotiated by ALPN), ConverseStream as {@code application/vnd.amazon.eventstream},
 * errors in {@code x-amzn-ErrorType}. The real AWS SDK client talks to it unchanged. It serves the dev mode when no
 * AWS credentials are found, and the integration tests, which give it a scripted {@link ConverseHandler}. Like
 * Bedrock, it answers 403 to a request not signed (SigV4, body included) with the credentials it is given.
 */
public final class BedrockEmulator implements AutoCloseable {

    /** Decides the reply to one Converse call; may complete later (latency) or never (a hang). */
    @FunctionalInterface
    public interface ConverseHandler {
        Future<EmulatorReply> handle(ConverseCall call);
    }

    private static final Pattern CONVERSE_PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream)");
    private static final String ERROR_TYPE_HEADER = "x-amzn-ErrorType";
    // Matches the AWS services' own advertised limit; the SDK opens further connections beyond it.
    private static final int MAX_STREAMS_PER_CONNECTION = 128;

    private final Vertx vertx;
    private final ConverseHandler handler;
    private final SignatureCheck signatures;
    private final HttpServer server;
    private final boolean tls;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger abandonedStreams = new AtomicInteger();

    private BedrockEmulator(Vertx vertx, AwsCredentialsIdentity credentials, ConverseHandler handler,
            KeyCertOptions keyAndCertificate) {
        this.vertx = vertx;
        this.handler = handler;
        this.signatures = new SignatureCheck(credentials);
        this.tls = keyAndCertificate != null;
        HttpServerOptions options = new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(MAX_STREAMS_PER_CONNECTION));
        if (this.tls) {
            // As Bedrock: HTTP/2 when the client asks for it by ALPN, HTTP/1.1 otherwise.
            options.setSsl(true).setUseAlpn(true).setKeyCertOptions(keyAndCertificate);
        }
        this.server = vertx.createHttpServer(options).requestHandler(this::route);
    }

    /**
     * Starts an emulator on a free loopback port that accepts requests signed with these credentials, over HTTP/1.1 or
     * h2c; blocks until it listens, so call it at start-up only.
     */
    public static BedrockEmulator start(Vertx vertx, AwsCredentialsIdentity credentials, ConverseHandler handler) {
        return listening(new BedrockEmulator(vertx, credentials, handler, null));
    }

    /** As {@link #start}, but over TLS with this key and certificate, as Bedrock itself is reached. */
    public static BedrockEmulator startWithTls(Vertx vertx, AwsCredentialsIdentity credentials,
            ConverseHandler handler, KeyCertOptions keyAndCertificate) {
        return listening(new BedrockEmulator(vertx, credentials, handler, keyAndCertificate));
    }

    private static BedrockEmulator listening(BedrockEmulator emulator) {
        emulator.server.listen().toCompletionStage().toCompletableFuture().join();
        return emulator;
    }

    /** The URL to use as {@code bedrock.endpoint-override}. */
    public URI endpoint() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + server.actualPort());
    }

    /** ConverseStream responses being written right now. */
    public int openStreams() {
        return openStreams.get();
    }

    /** ConverseStream responses the client closed or reset before their end. */
    public int abandonedStreams() {
        return abandonedStreams.get();
    }

    @Override
    public void close() {
        server.close();
    }

    private void route(HttpServerRequest request) {
        Matcher converse = CONVERSE_PATH.matcher(request.path());
        if (!"POST".equals(request.method().name()) || !converse.matches()) {
            reply(request, EmulatorReply.error(404, "UnknownOperationException", "No such operation"));
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            reply(request, EmulatorReply.error(403, "MissingAuthenticationTokenException", "Missing signature"));
            return;
        }
        String modelId = URLDecoder.decode(converse.group(1), StandardCharsets.UTF_8);
        boolean streaming = "converse-stream".equals(converse.group(2));
        request.body()
                .compose(body -> signatures.verify(request, body)
                        ? handler.handle(new ConverseCall(modelId, body.toJsonObject(), streaming))
                        : Future.succeededFuture(EmulatorReply.error(403, "InvalidSignatureException",
                                "The request signature we calculated does not match the signature you provided.")))
                .onSuccess(reply -> {
                    if (streaming && reply.status() == 200 && !reply.connectionDropped()) {
                        stream(request, reply);
                    } else {
                        reply(request, reply);
                    }
                })
                .onFailure(failure -> reply(request, failure instanceof DecodeException
                        ? EmulatorReply.error(400, "ValidationException", "Malformed request body")
                        : EmulatorReply.error(500, "InternalServerException", "Emulator failure")));
    }

    private void stream(HttpServerRequest request, EmulatorReply reply) {
        openStreams.incrementAndGet();
        ConverseStreamWriter.stream(vertx, request.response(), reply, completed -> {
            openStreams.decrementAndGet();
            if (!completed) {
                abandonedStreams.incrementAndGet();
            }
        });
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
