package dev.visionapi.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The scheduler of the SDK clients' call deadlines lets go of a deadline as soon as its call ends. */
class DeadlineSchedulerTest {

    @Test
    void aCancelledDeadlineLeavesTheSchedulerAtOnce() {
        ScheduledThreadPoolExecutor scheduler = DeadlineScheduler.create("test-deadline", 1);
        try {
            ScheduledFuture<?> deadline = scheduler.schedule(() -> { }, 1, TimeUnit.MINUTES);
            assertThat(scheduler.getQueue()).hasSize(1);

            deadline.cancel(false);

            assertThat(scheduler.getQueue()).isEmpty();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
