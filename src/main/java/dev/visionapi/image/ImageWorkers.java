package dev.visionapi.image;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.ImagesConfig;

/**
 * The threads image preparation runs on: off the event loop, and no more at once than
 * {@code images.max-concurrent-decodes}, so that a burst of large uploads queues instead of exhausting the heap.
 */
@ApplicationScoped
public class ImageWorkers {

    private final ExecutorService executor;

    ImageWorkers(ImagesConfig config) {
        int threads = config.maxConcurrentDecodes().orElse(2 * Runtime.getRuntime().availableProcessors());
        AtomicInteger counter = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "image-worker-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public ExecutorService executor() {
        return executor;
    }

    @PreDestroy
    void shutdown() {
        executor.shutdown();
    }
}
