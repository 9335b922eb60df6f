package dev.visionapi.bedrock.emulator;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The emulator's behaviour in tests: records every call, answers synthetically by default, and follows a script of
 * replies (errors, hangs) and a latency set by the test. One instance serves the whole test run; tests reset it.
 */
public final class ScriptedBedrock implements BedrockEmulator.ConverseHandler {

    /** What to do with one call. */
    public sealed interface Step permits Reply, Hang {
    }

    /** Answer with this reply. */
    public record Reply(EmulatorReply reply) implements Step {
    }

    /** Never answer. */
    public record Hang() implements Step {
    }

    private final Vertx vertx;
    private volatile SyntheticAnswers synthetic = new SyntheticAnswers(Duration.ZERO);
    private final List<ConverseCall> calls = new CopyOnWriteArrayList<>();
    private final Queue<Step> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Step always;
    private volatile Duration latency = Duration.ZERO;

    public ScriptedBedrock(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Back to synthetic answers without latency, with an empty prompt cache, and forget the calls seen so far. */
    public void reset() {
        synthetic = new SyntheticAnswers(Duration.ZERO);
        script.clear();
        calls.clear();
        always = null;
        latency = Duration.ZERO;
        maxInFlight.set(0);
    }

    /** The next calls get these steps, one each, before the default behaviour resumes. */
    public void next(Step... steps) {
        script.addAll(List.of(steps));
    }

    /** Every call gets this step until {@link #reset()}. */
    public void always(Step step) {
        always = step;
    }

    public void latency(Duration latency) {
        this.latency = latency;
    }

    public List<ConverseCall> calls() {
        return List.copyOf(calls);
    }

    public ConverseCall lastCall() {
        return calls.get(calls.size() - 1);
    }

    /** The most calls that were being answered at the same time since the last reset. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public Future<EmulatorReply> handle(ConverseCall call) {
        calls.add(call);
        Step step = script.poll();
        if (step == null) {
            step = always;
        }
        if (step instanceof Hang) {
            return Promise.<EmulatorReply>promise().future();
        }
        Future<EmulatorReply> reply = step instanceof Reply scripted
                ? Future.succeededFuture(scripted.reply())
                : synthetic.handle(call);
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        return delayed(reply).andThen(done -> inFlight.decrementAndGet());
    }

    private Future<EmulatorReply> delayed(Future<EmulatorReply> reply) {
        long millis = latency.toMillis();
        if (millis == 0) {
            return reply;
        }
        Promise<EmulatorReply> later = Promise.promise();
        vertx.setTimer(millis, id -> reply.onComplete(later));
        return later.future();
    }
}
