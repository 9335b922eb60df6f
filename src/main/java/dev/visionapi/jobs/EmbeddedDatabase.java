package dev.visionapi.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL on loopback for dev mode and tests, one per JVM (test applications restart with each profile and
 * dev mode reloads, each in a class loader of its own; they all share the database through a system property),
 * stopped when the JVM ends. Only {@link DatabaseUrls} starts it,
 * never in prod: the packaged application does not even contain its library.
 */
final class EmbeddedDatabase {

    static final String USER = "postgres";
    // JVM-wide, unlike this class's static fields, of which each class loader has its own.
    private static final String URL_PROPERTY = "visionapi.embedded-postgres.url";

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

    private EmbeddedDatabase() {
    }

    /** The reactive URL of the JVM's embedded PostgreSQL, started now if it is not running yet. */
    static String reactiveUrl() {
        synchronized (System.class) {
            String url = System.getProperty(URL_PROPERTY);
            if (url == null) {
                EmbeddedPostgres postgres;
                try {
                    postgres = EmbeddedPostgres.builder()
                            .setServerConfig("listen_addresses", "127.0.0.1")
                            // initdb's and the server's chatter would bury the service's own start-up lines.
                            .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                            .setRegisterShutdownHook(true) // stopped, its data directory deleted, when the JVM ends
                            .start();
                } catch (IOException e) {
                    throw new UncheckedIOException("The embedded PostgreSQL for dev mode and tests did not start", e);
                }
                url = "postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
                System.setProperty(URL_PROPERTY, url);
                LOG.infof("No quarkus.datasource.reactive.url configured: jobs use an embedded PostgreSQL at %s "
                        + "(user %s), started for dev mode and tests; its data is gone when the JVM ends.", url, USER);
            }
            return url;
        }
    }
}
