package dev.visionapi.api;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import dev.visionapi.image.TestImages;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;

/**
 * An https image host on loopback with a certificate for "localhost" (a test CA the service is told to trust), allowed
 * through {@code sources.url.allowed-networks} and {@code allowed-ports} for the tests that use it: {@code /cat.png}
 * is the cat sample, {@code /text} is not an image, {@code /missing} answers 404, {@code /to-metadata} redirects to
 * the cloud metadata address, {@code /stall} sends its first bytes and then nothing. Fetches have 3 s here.
 */
public class ImageHostResource implements QuarkusTestResourceLifecycleManager {

    private Vertx vertx;
    private HttpServer server;

    /** The URL of a path on the host, as the service is to fetch it. */
    static String url(String path) {
        return "https://localhost:" + System.getProperty("test.image-host.port") + path;
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                .setKeyCertOptions(new PfxOptions().setPath("tls/source-localhost.p12").setPassword("source")))
                .requestHandler(request -> {
                    switch (request.path()) {
                        case "/cat.png" -> request.response().putHeader("Content-Type", "text/plain")
                                .end(Buffer.buffer(TestImages.CAT_PNG));
                        case "/text" -> request.response().end("no image here");
                        // Headers and the first bytes, then nothing: only the fetch's deadline ends it.
                        case "/stall" -> request.response().setChunked(true).write("\u0089PNG");
                        case "/to-metadata" -> request.response().setStatusCode(302)
                                .putHeader("Location", "https://169.254.169.254/latest/meta-data/").end();
                        default -> request.response().setStatusCode(404).end();
                    }
                });
        server.listen().toCompletionStage().toCompletableFuture().join();
        String port = Integer.toString(server.actualPort());
        System.setProperty("test.image-host.port", port);
        return Map.of("sources.url.allowed-networks", "127.0.0.0/8", "sources.url.allowed-ports", port,
                "sources.url.trust-certificates", trusted().toString(), "sources.url.timeout", "3s");
    }

    private static Path trusted() {
        try {
            return Path.of(Objects.requireNonNull(ImageHostResource.class.getResource("/tls/source-trusted.pem")).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
