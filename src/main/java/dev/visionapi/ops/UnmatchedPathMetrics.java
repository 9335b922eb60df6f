package dev.visionapi.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Keeps the {@code uri} tag of {@code http.server.requests} to templates. A 4xx outside every route is recorded as
 * {@code UNKNOWN} by {@code quarkus.micrometer.binder.http-server.suppress4xx-errors}; CORS preflights, which Quarkus'
 * CORS filter answers 200 before any route, would still carry the raw path: they are recorded as {@code UNKNOWN} too,
 * so invented paths cannot fill the registry's {@code max-uri-tags} and push real series out.
 */
@ApplicationScoped
public class UnmatchedPathMetrics {

    static final String UNKNOWN = "UNKNOWN";

    @Produces
    @Singleton
    MeterFilter preflightsWithoutPath() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().startsWith("http.server.") && "OPTIONS".equals(id.getTag("method"))
                        && id.getTag("uri") != null && !UNKNOWN.equals(id.getTag("uri"))) {
                    return id.replaceTags(id.getTags().stream()
                            .map(tag -> tag.getKey().equals("uri") ? Tag.of("uri", UNKNOWN) : tag).toList());
                }
                return id;
            }
        };
    }
}
