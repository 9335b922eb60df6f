package dev.visionapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL (zonky's binaries) on a loopback port with a data directory of its own, which can be stopped and
 * started again on the same port and data: what an outage and restart of the database look like to the service.
 */
final class RestartablePostgres implements AutoCloseable {

    static final String USER = "postgres";

    private final Path data;
    private int port;
    private EmbeddedPostgres server;

    private RestartablePostgres(Path data) {
        this.data = data;
    }

    /** Starts a new database in a fresh data directory under {@code target}. */
    static RestartablePostgres start() throws IOException {
        RestartablePostgres postgres = new RestartablePostgres(Files.createTempDirectory(Path.of("target"), "pg-"));
        postgres.startServer();
        return postgres;
    }

    /** Stops the server (fast shutdown: sessions are ended); its data stays. */
    void stop() throws IOException {
        server.close();
        server = null;
    }

    /** Starts the server again on the same port and data directory. */
    void restart() throws IOException {
        startServer();
    }

    /** The URL for {@code quarkus.datasource.reactive.url}. */
    String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/postgres";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:" + reactiveUrl(), USER, "");
    }

    private void startServer() throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false) // initdb only when the directory is new; close() keeps the data
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "100")
                .setOutputRedirector(ProcessBuilder.Redirect.DISCARD);
        if (port != 0) {
            builder.setPort(port);
        }
        server = builder.start();
        port = server.getPort();
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            stop();
        }
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
