package dev.visionapi.bench;

import dev.visionapi.bedrock.emulator.EmulatorReply;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The benchmark's Bedrock: answers every request, over HTTP/1.1 or h2c like the project's emulator, with the same
 * Converse answer after a fixed latency. Unlike the emulator it does not parse the request, so that the box's CPU goes
 * to the service under test and the direct runs show the limit of the machine, not of a JSON parser. Not a test; run
 * by {@code bench/run.sh}. Argument: latency in milliseconds. It prints its endpoint on the first line of standard
 * output and runs until killed.
 */
public final class BenchUpstream {

    private static final Buffer ANSWER = Buffer.buffer(
            EmulatorReply.answer("A tabby cat with green eyes lies on a grey blanket.", 1200, 14).body().encode());

    private BenchUpstream() {
    }

    public static void main(String[] args) {
        long latencyMillis = Long.parseLong(args[0]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        // As the emulator: the SDK opens another connection beyond 128 streams. HTTP/2's default
                        // windows (64 KiB per connection and per stream) would let a connection carry only 64 KiB
                        // of 320 KB request bodies per round trip, and the service's requests would queue inside the
                        // SDK; a front end for image payloads grants more (Bedrock's own values are not published).
                        .setHttp2ConnectionWindowSize(16 * 1024 * 1024)
                        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(128)
                                .setInitialWindowSize(1024 * 1024)))
                .requestHandler(request -> request.end().onSuccess(ended -> {
                    if (latencyMillis == 0) {
                        answer(request);
                    } else {
                        vertx.setTimer(latencyMillis, id -> answer(request));
                    }
                }))
                .listen()
                .onSuccess(server -> {
                    System.out.println("http://127.0.0.1:" + server.actualPort());
                    System.out.flush();
                })
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }

    private static void answer(HttpServerRequest request) {
        if (!request.response().closed()) {
            request.response().putHeader("Content-Type", "application/json").end(ANSWER);
        }
    }
}
