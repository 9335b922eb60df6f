package dev.visionapi.cache;

import java.util.Optional;

import dev.visionapi.bedrock.ModelAnswer;
import io.smallrye.mutiny.Uni;

/** Where answers are kept: in process, or in Redis for every replica. */
interface ResultStore {

    /** The answer stored under {@code key}, if any; may fail (Redis), which the caller takes as a miss. */
    Uni<Optional<ModelAnswer>> get(ResultKey key);

    /** Stores {@code answer} under {@code key} for the configured time; may fail (Redis). */
    Uni<Void> put(ResultKey key, ModelAnswer answer);

    /** What the logs and metrics call this store. */
    String kind();
}
