package dev.visionapi.aws;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where an SDK client schedules each call's deadline ({@code apiCallTimeout}). The SDK's own scheduler keeps a
 * cancelled deadline queued until it would have fired (a minute by default), so under load many thousands of dead
 * deadlines pile up for the garbage collector; this one drops a deadline as soon as its call ends. The SDK leaves an
 * executor it was given to its owner, who shuts it down with the client.
 */
public final class DeadlineScheduler {

    private DeadlineScheduler() {
    }

    /** A scheduler of {@code threads} daemon threads named {@code name-1}, {@code name-2}, … */
    public static ScheduledThreadPoolExecutor create(String name, int threads) {
        AtomicInteger created = new AtomicInteger();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(threads, task -> {
            Thread thread = new Thread(task, name + "-" + created.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }
}
