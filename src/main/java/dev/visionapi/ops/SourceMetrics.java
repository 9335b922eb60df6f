package dev.visionapi.ops;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.image.ImageReference;
import dev.visionapi.image.ImageUpload;
import dev.visionapi.image.RequestImage;
import dev.visionapi.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * Records the images fetched from where they live: {@code source_fetch_duration_seconds{kind,outcome}} (outcome
 * {@code ok}, {@code passed_through} for an S3 object handed to the model by reference after its first bytes were
 * read, or the problem, e.g. {@code source_forbidden}) and {@code source_bytes_total{kind}}, the bytes actually read.
 */
@ApplicationScoped
public class SourceMetrics {

    private final MeterRegistry registry;

    SourceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The fetch, timed when it ends; {@code kind} is {@code url} or {@code s3}. */
    public <T extends RequestImage> Uni<T> timed(String kind, Uni<T> fetch) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return fetch.onItemOrFailure().invoke((image, failure) -> {
                String outcome = image instanceof ImageReference ? "passed_through"
                        : failure == null ? "ok"
                        : failure instanceof ProblemException problem ? problem.type().name().toLowerCase() : "error";
                Timer.builder("source.fetch.duration").description("Fetches of images by URL or from S3")
                        .tags("kind", kind, "outcome", outcome).register(registry)
                        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                if (image != null) {
                    Counter.builder("source.bytes").baseUnit("bytes").description("Image bytes fetched")
                            .tags("kind", kind).register(registry).increment(bytesRead(image));
                }
            });
        });
    }

    private static int bytesRead(RequestImage image) {
        return image instanceof ImageReference reference ? reference.bytesRead() : ((ImageUpload) image).bytes().length;
    }
}
