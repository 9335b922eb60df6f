package dev.visionapi.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Drops the reactive SQL client's per-connection gauges ({@code postgresql.queue.size}, {@code postgresql.current}).
 * Vert.x creates client metrics for every pool connection and Quarkus registers the same gauge for each, so only the
 * first connection's value is kept and Micrometer warns at the second (quarkusio/quarkus#47504). The client's timers
 * and counters ({@code postgresql.queue.delay}, {@code postgresql.processing}, ...) add up over connections and stay.
 */
@ApplicationScoped
public class SqlClientGauges {

    @Produces
    @Singleton
    MeterFilter perConnectionGauges() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return id.getType() == Meter.Type.GAUGE && "sql".equals(id.getTag("clientType"))
                        ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
            }
        };
    }
}
