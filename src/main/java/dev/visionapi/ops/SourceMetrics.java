package dev.visionapi.ops;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.image.ImageUpload;
import dev.visionapi.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * Records the images fetched from where they live: {@code source_fetch_duration_seconds{kind,outcome}} (outcome
 * {@code ok} or the problem, e.g. {@code source_forbidden}) and {@code source_bytes_total{kind}}.
 */
@ApplicationScoped
public class SourceMetrics {

    private final MeterRegistry registry;

    SourceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The fetch, timed when it ends; {@code kind} is {@code url} or {@code s3}. */
    public Uni<ImageUpload> timed(String kind, Uni<ImageUpload> fetch) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return fetch.onItemOrFailure().invoke((image, failure) -> {
                String outcome = failure == null ? "ok"
                        : failure instanceof ProblemException problem ? problem.type().name().toLowerCase() : "error";
                Timer.builder("source.fetch.duration").description("Fetches of images by URL or from S3")
                        .tags("kind", kind, "outcome", outcome).register(registry)
                        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                if (image != null) {
                    Counter.builder("source.bytes").baseUnit("bytes").description("Image bytes fetched")
                            .tags("kind", kind).register(registry).increment(image.bytes().length);
                }
            });
        });
    }
}
