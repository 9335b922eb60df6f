package dev.visionapi.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** The jobs database's pool, used over several connections, registers no duplicate gauges and keeps its timers. */
@QuarkusTest
class SqlClientGaugesTest {

    @Inject
    Pool database;

    @Test
    void severalConnectionsRegisterNoDuplicateGaugeAndKeepTheirTimers() {
        List<LogRecord> warnings;
        try (CapturedLog log = CapturedLog.of("io.micrometer")) {
            // Four queries at once, each holding its connection a moment: the pool opens several connections.
            Uni.join().all(IntStream.range(0, 4)
                    .mapToObj(i -> database.query("SELECT pg_sleep(0.2)").execute().replaceWithVoid()).toList())
                    .andFailFast().await().atMost(Duration.ofSeconds(30));
            warnings = log.records().stream().filter(record -> record.getLevel().intValue() >= Level.WARNING.intValue())
                    .toList();
        }
        assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("postgresql_queue_delay_seconds_count{", "postgresql_processing_seconds_count{")
                .doesNotContain("postgresql_queue_size", "postgresql_current");
    }
}
