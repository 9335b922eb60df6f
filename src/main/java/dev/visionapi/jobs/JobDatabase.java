package dev.visionapi.jobs;

import jakarta.enterprise.context.ApplicationScoped;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;
import io.quarkus.arc.InjectableInstance;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The jobs' PostgreSQL, when there is one. Without {@code quarkus.datasource.reactive.url} the datasource is inactive:
 * the service runs, and every jobs operation answers 503 {@code jobs-unavailable}.
 */
@ApplicationScoped
public class JobDatabase {

    /** The property an operator sets to enable jobs. */
    public static final String URL_PROPERTY = "quarkus.datasource.reactive.url";

    private final InjectableInstance<Pool> pools;

    JobDatabase(InjectableInstance<Pool> pools) {
        this.pools = pools;
    }

    /** Whether a database is configured. */
    public boolean available() {
        return pools.getHandle().getBean() != null && pools.getHandle().getBean().isActive();
    }

    /** The pool; 503 {@code jobs-unavailable} naming the property to set when there is no database. */
    Pool pool() {
        if (!available()) {
            throw new ProblemException(ProblemType.JOBS_UNAVAILABLE, "Jobs need a PostgreSQL database, and this "
                    + "service has none: set " + URL_PROPERTY + " (and quarkus.datasource.username and "
                    + "quarkus.datasource.password) to enable them.");
        }
        return pools.get();
    }
}
