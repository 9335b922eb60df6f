package dev.visionapi.analysis;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.config.AnalysisConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The threads that check JSON analyses (the request, the images' headers) and hand them to the SDK: a fixed few
 * ({@code analysis.preparation-threads}), because this work is short, CPU-bound and never waits for Bedrock. Quarkus'
 * worker pool, which did it before, grew to dozens of threads under load, and switching between them cost a good
 * part of the analyses a core can do. Images that need decoding are finished in the image decode queue, so that a
 * queue of large photos never holds up the small images behind it. The queue needs no bound of its own: only
 * admitted analyses, at most {@code analysis.max-in-flight}, are submitted. Its size, activity and queue are published
 * as the {@code executor_*} metrics named {@code analysis-preparation}.
 */
@ApplicationScoped
public class PreparationPool implements Executor {

    private static final String NAME = "analysis-preparation";

    private final ThreadPoolExecutor threads;

    PreparationPool(AnalysisConfig config, MeterRegistry registry) {
        int size = config.preparationThreads().orElse(Runtime.getRuntime().availableProcessors());
        this.threads = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(NAME, true));
        new ExecutorServiceMetrics(threads, NAME, Tags.empty()).bindTo(registry);
    }

    @Override
    public void execute(Runnable task) {
        threads.execute(task);
    }

    @PreDestroy
    void shutdown() {
        threads.shutdown();
    }
}
