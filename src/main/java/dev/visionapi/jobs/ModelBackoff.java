package dev.visionapi.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Models whose work this replica holds back for a while because Bedrock throttled it: throttling is a signal for the
 * whole model, not for the one item that met it. Items of a paused model are not claimed until the pause ends.
 */
@ApplicationScoped
public class ModelBackoff {

    private final Map<String, Long> pausedUntil = new ConcurrentHashMap<>();

    /** Holds the model's work back for {@code wait} (or longer, if it is already paused longer). */
    void pause(String model, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        pausedUntil.merge(model, until, (earlier, later) -> later - earlier > 0 ? later : earlier);
    }

    /** Ends the model's pause now. */
    void resume(String model) {
        pausedUntil.remove(model);
    }

    /** The models paused now. */
    List<String> paused() {
        long now = System.nanoTime();
        pausedUntil.entrySet().removeIf(entry -> entry.getValue() - now <= 0);
        return List.copyOf(pausedUntil.keySet());
    }
}
