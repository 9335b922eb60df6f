package dev.visionapi.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The benchmark's PostgreSQL: zonky's binaries on a loopback port, user {@code postgres}, its data deleted when it
 * stops. Not a test; run by {@code bench/jobs.sh}. It prints its reactive URL on the first line of standard output and
 * runs until killed.
 */
public final class BenchPostgres {

    private BenchPostgres() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "100")
                .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                .setRegisterShutdownHook(true)
                .start();
        System.out.println("postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
        System.out.flush();
        Thread.currentThread().join();
    }
}
