package dev.visionapi.jobs;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Which replica follows the batch jobs: the one holding a PostgreSQL session-level advisory lock, on a connection it
 * keeps for that. When the connection (or the replica) dies, the lock is gone and another replica takes it at its next
 * try; the lock is released before the connection goes back to the pool, which would otherwise keep it.
 */
final class BatchLeader {

    /** The advisory lock's key: any constant the service uses for nothing else ("vision-b" in ASCII). */
    static final long LOCK = 0x766973696f6e2d62L;
    private static final Logger LOG = Logger.getLogger(BatchLeader.class);

    private final Pool pool;
    private SqlConnection held;

    BatchLeader(Pool pool) {
        this.pool = pool;
    }

    /** Whether this replica leads now: it keeps the lock it holds, or takes it when it is free. Never fails. */
    synchronized Uni<Boolean> lead() {
        SqlConnection connection = held;
        if (connection != null) {
            return JobStore.timed(connection.query("SELECT 1").execute()).replaceWith(true)
                    .onFailure().recoverWithUni(failure -> {
                        LOG.warnf("The batch poller lost its database session (%s); another replica may take over.",
                                failure.toString());
                        forget(connection);
                        return drop(connection).replaceWith(false);
                    });
        }
        return JobStore.timed(pool.getConnection())
                .chain(opened -> JobStore.timed(opened.preparedQuery("SELECT pg_try_advisory_lock($1) AS locked")
                                .execute(Tuple.of(LOCK)))
                        .map(rows -> rows.iterator().next().getBoolean("locked"))
                        .onFailure().call(() -> opened.close().onFailure().recoverWithNull())
                        .chain(locked -> {
                            if (locked) {
                                keep(opened);
                                LOG.info("This replica now follows the Bedrock batch jobs.");
                                return Uni.createFrom().item(true);
                            }
                            return opened.close().replaceWith(false);
                        }))
                .onFailure().recoverWithItem(false);
    }

    /** Gives the lock up, so that another replica may follow the jobs at once. */
    Uni<Void> release() {
        SqlConnection connection;
        synchronized (this) {
            connection = held;
            held = null;
        }
        return connection == null ? Uni.createFrom().voidItem() : drop(connection);
    }

    /** Unlocks (when the session still lives) and closes; never fails. */
    private static Uni<Void> drop(SqlConnection connection) {
        return JobStore.timed(connection.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(LOCK)))
                .replaceWithVoid()
                .onFailure().recoverWithNull()
                .chain(() -> connection.close())
                .onFailure().recoverWithNull();
    }

    private synchronized void keep(SqlConnection connection) {
        held = connection;
    }

    private synchronized void forget(SqlConnection connection) {
        if (held == connection) {
            held = null;
        }
    }
}
