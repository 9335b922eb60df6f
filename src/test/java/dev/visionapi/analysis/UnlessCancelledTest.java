package dev.visionapi.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * A client that hangs up while its analysis waits for the preparation pool: the queued work is skipped, and a failure
 * of work already under way (its uploads are deleted by then) is not reported as a dropped exception, which Quarkus
 * logs at ERROR with a stack trace.
 */
class UnlessCancelledTest {

    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();
    private final Queue<Runnable> pool = new ArrayDeque<>();
    private final Executor queued = pool::add;

    @BeforeEach
    void captureDroppedExceptions() {
        Infrastructure.setDroppedExceptionHandler(dropped::add);
    }

    @AfterEach
    void restoreDroppedExceptions() {
        Infrastructure.resetDroppedExceptionHandler();
    }

    @Test
    void workQueuedBehindAClientThatHungUpIsSkipped() {
        AtomicInteger runs = new AtomicInteger();
        Cancellable subscription = AnalysisService.unlessCancelled(() -> {
            runs.incrementAndGet();
            throw new IllegalStateException("An uploaded image cannot be read back");
        }).runSubscriptionOn(queued).subscribe().with(item -> { }, failure -> { });

        subscription.cancel();
        pool.forEach(Runnable::run);

        assertThat(runs).hasValue(0);
        assertThat(dropped).isEmpty();
    }

    @Test
    void aFailureAfterTheClientHungUpIsNotADroppedException() {
        Cancellable[] subscription = new Cancellable[1];
        subscription[0] = AnalysisService.<String>unlessCancelled(() -> {
            subscription[0].cancel();
            throw new IllegalStateException("An uploaded image cannot be read back");
        }).runSubscriptionOn(queued).subscribe().with(item -> { }, failure -> { });

        pool.forEach(Runnable::run);

        assertThat(dropped).isEmpty();
    }

    @Test
    void withTheClientStillThereWorkAndFailuresArriveAsUsual() {
        assertThat(AnalysisService.unlessCancelled(() -> "checked").await().indefinitely()).isEqualTo("checked");
        Uni<String> failing = AnalysisService.unlessCancelled(() -> {
            throw new IllegalArgumentException("no image");
        });
        assertThat(failing.onFailure().recoverWithItem(Throwable::getMessage).await().indefinitely())
                .isEqualTo("no image");
    }
}
