package dev.visionapi.cache;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Redis for tests: Debian's {@code redis-server} (package {@code redis-server}) as a process on a free loopback
 * port, in memory only ({@code --save "" --appendonly no}). It can be stopped and started again on the same port, as
 * a Redis outage would go and pass.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(10);

    private final Path binary;
    private final int port;
    private final Path log;
    private Process process;

    private RedisServer(Path binary, int port, Path log) {
        this.binary = binary;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code redis-server} from the PATH; fails with what to install when it is not there. */
    public static RedisServer start(String name) {
        Path binary = onPath("redis-server").orElseThrow(() -> new IllegalStateException(
                "redis-server is not on the PATH: the result cache's Redis tests need a real Redis. Install Debian's "
                        + "package: apt-get install redis-server (.ci/run does)"));
        RedisServer server = new RedisServer(binary, freePort(), Path.of("target", name + ".log"));
        server.startProcess();
        return server;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for redis-server", e);
        }
    }

    /** The URI for {@code quarkus.redis.hosts}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops the server (its data goes with it); the port stays this server's for {@link #restart}. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts the server again on the same port, empty. */
    public synchronized void restart() {
        stop();
        startProcess();
    }

    /** Freezes the server (SIGSTOP): connections stay open and commands get no answer, as from a Redis that hangs. */
    public synchronized void pause() {
        signal("STOP");
    }

    /** Lets a paused server go on (SIGCONT). */
    public synchronized void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void startProcess() {
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "no")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server did not start; see " + log, e);
        }
        awaitPong();
    }

    /** Waits until the server answers PING; fails when it exited or does not answer in time. */
    private void awaitPong() {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                socket.setSoTimeout(500);
                OutputStream out = socket.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] reply = in.readNBytes(7);
                if (new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("redis-server did not answer PING within " + READY_WITHIN + "; see " + log);
    }

    private static Optional<Path> onPath(String command) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst();
    }
}
