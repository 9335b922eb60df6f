package dev.visionapi.bench;

import java.time.Duration;

import dev.visionapi.bedrock.emulator.BedrockEmulator;
import dev.visionapi.bedrock.emulator.EmulatorReply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The benchmark's Bedrock: the project's emulator answering every Converse call with a fixed answer after a fixed
 * latency, on a loopback port. Not a test; run by {@code bench/run.sh}. Arguments: latency in milliseconds; it
 * prints its endpoint on the first line of standard output and runs until killed.
 */
public final class BenchUpstream {

    private static final String ANSWER = "A tabby cat with green eyes lies on a grey blanket.";

    private BenchUpstream() {
    }

    public static void main(String[] args) {
        Duration latency = Duration.ofMillis(Long.parseLong(args[0]));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        BedrockEmulator emulator = BedrockEmulator.start(vertx, call -> {
            EmulatorReply reply = EmulatorReply.answer(ANSWER, 1200, 14);
            if (latency.isZero()) {
                return Future.succeededFuture(reply);
            }
            Promise<EmulatorReply> later = Promise.promise();
            vertx.setTimer(latency.toMillis(), id -> later.complete(reply));
            return later.future();
        });
        System.out.println(emulator.endpoint());
        System.out.flush();
    }
}
