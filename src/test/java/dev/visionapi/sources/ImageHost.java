package dev.visionapi.sources;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PfxOptions;

/**
 * A real HTTP(S) image host on 127.0.0.1 for the fetcher's tests. Paths: {@code /image} (the image, sent as
 * text/html to show the type is ignored), {@code /redirect/N} (N redirects, then the image), {@code /to?location=…}
 * (one redirect there), {@code /status/N}, {@code /endless} (a body that never ends), {@code /oversized} (a declared
 * 50 MB body), {@code /stall} (headers and a few bytes, then nothing).
 */
final class ImageHost implements AutoCloseable {

    static final byte[] IMAGE = "\u0089PNG\r\n\u001a\n not really a png, but bytes".getBytes(StandardCharsets.ISO_8859_1);
    static final long OVERSIZED = 50L * 1024 * 1024;
    private static final Buffer CHUNK = Buffer.buffer(new byte[64 * 1024]);

    private final HttpServer server;
    /** The requests received, in order: path, Host, User-Agent, SNI name. */
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    /** Per path of a streamed body: the bytes written when the client closed the connection. */
    final Map<String, CompletableFuture<Long>> closedAfter = new ConcurrentHashMap<>();

    private ImageHost(HttpServer server) {
        this.server = server;
    }

    static ImageHost start(Vertx vertx, PfxOptions tls) {
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0);
        if (tls != null) {
            options.setSsl(true).setSni(true).setKeyCertOptions(tls);
        }
        HttpServer server = vertx.createHttpServer(options);
        ImageHost host = new ImageHost(server);
        server.requestHandler(host::handle);
        join(server.listen().toCompletionStage().toCompletableFuture());
        return host;
    }

    static PfxOptions keyStore(String name) {
        return new PfxOptions().setPath("tls/source-" + name + ".p12").setPassword("source");
    }

    int port() {
        return server.actualPort();
    }

    URI url(String scheme, String host, String path) {
        return URI.create(scheme + "://" + host + ":" + port() + path);
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        requests.add(Map.of("path", path,
                "host", String.valueOf(request.getHeader("Host")),
                "user-agent", String.valueOf(request.getHeader("User-Agent")),
                "sni", String.valueOf(request.connection().indicatedServerName())));
        HttpServerResponse response = request.response();
        if (path.equals("/image")) {
            response.putHeader("Content-Type", "text/html").end(Buffer.buffer(IMAGE));
        } else if (path.startsWith("/redirect/")) {
            int left = Integer.parseInt(path.substring("/redirect/".length()));
            redirect(response, left <= 1 ? "/image" : "/redirect/" + (left - 1));
        } else if (path.equals("/to")) {
            redirect(response, request.getParam("location"));
        } else if (path.startsWith("/status/")) {
            response.setStatusCode(Integer.parseInt(path.substring("/status/".length()))).end("no image here");
        } else if (path.equals("/endless")) {
            response.setChunked(true);
            stream(path, response, Long.MAX_VALUE);
        } else if (path.equals("/oversized")) {
            response.putHeader("Content-Length", Long.toString(OVERSIZED));
            stream(path, response, OVERSIZED);
        } else if (path.equals("/stall")) {
            CompletableFuture<Long> closed = closedAfter.computeIfAbsent(path, p -> new CompletableFuture<>());
            response.closeHandler(v -> closed.complete(4L));
            response.setChunked(true).write("\u0089PNG");
        } else {
            response.setStatusCode(404).end();
        }
    }

    private static void redirect(HttpServerResponse response, String location) {
        response.setStatusCode(302).putHeader("Location", location).end();
    }

    /** Writes {@code total} bytes as fast as the client reads them, and records how far it got when it was closed. */
    private void stream(String path, HttpServerResponse response, long total) {
        CompletableFuture<Long> closed = closedAfter.computeIfAbsent(path, p -> new CompletableFuture<>());
        long[] written = {0};
        response.closeHandler(v -> closed.complete(written[0]));
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (!closed.isDone() && written[0] < total && !response.writeQueueFull()) {
                response.write(CHUNK);
                written[0] += CHUNK.length();
            }
            if (closed.isDone()) {
                return;
            }
            if (written[0] >= total) {
                response.end();
            } else {
                response.drainHandler(v -> pump[0].run());
            }
        };
        pump[0].run();
    }

    @Override
    public void close() {
        join(server.close().toCompletionStage().toCompletableFuture());
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
