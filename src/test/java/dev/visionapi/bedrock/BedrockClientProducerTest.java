package dev.visionapi.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The scheduler of the SDK's call deadlines lets go of a deadline as soon as its call ends. */
class BedrockClientProducerTest {

    @Test
    void aCancelledDeadlineLeavesTheSchedulerAtOnce() {
        ScheduledThreadPoolExecutor scheduler = BedrockClientProducer.timeoutScheduler();
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
