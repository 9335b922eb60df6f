package dev.visionapi.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/** Turns go round the clients, the queue's length is kept by pushing out the longest queue's newest, waits are bounded. */
class DecodeQueueTest {

    private final CountDownLatch busy = new CountDownLatch(1);
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private DecodeQueue queue;

    @AfterEach
    void shutdown() {
        busy.countDown();
        queue.shutdown();
    }

    @Test
    void anotherClientsImageGoesBeforeTheRestOfAFlood() {
        queue = new DecodeQueue(1, 0, 64, Duration.ofMinutes(1));
        CompletableFuture<String> running = queue.submit("a", this::holdTheTurn);
        List<CompletableFuture<String>> flood = List.of(submit("a", "a1"), submit("a", "a2"), submit("a", "a3"));
        CompletableFuture<String> single = submit("b", "b1");
        CompletableFuture<String> second = submit("c", "c1");
        CompletableFuture<String> late = submit("b", "b2");

        busy.countDown();
        CompletableFuture.allOf(running, single, second, late, flood.get(2)).join();

        // a came first; then the newcomers b and c each go before the rest of the flood, alternating with the round.
        assertThat(ran).containsExactly("a1", "b1", "a2", "c1", "b2", "a3");
    }

    @Test
    void aNewcomersImageTakesTheNextTurnWhileAFloodIsDecoded() {
        queue = new DecodeQueue(1, 0, 64, Duration.ofMinutes(1));
        CountDownLatch decoding = new CountDownLatch(1);
        CountDownLatch decoded = new CountDownLatch(1);
        queue.submit("a", this::holdTheTurn);
        CompletableFuture<String> a1 = queue.submit("a", () -> {
            decoding.countDown();
            await(decoded);
            return "a1";
        });
        List<CompletableFuture<String>> flood = List.of(submit("a", "a2"), submit("a", "a3"), submit("a", "a4"));
        busy.countDown();
        await(decoding);

        CompletableFuture<String> single = submit("b", "b1");
        decoded.countDown();
        CompletableFuture.allOf(a1, single, flood.get(2)).join();

        assertThat(ran).containsExactly("b1", "a2", "a3", "a4");
    }

    @Test
    void aReserveTurnStartsANewcomersImageAtOnceWhileEveryTurnIsTaken() {
        queue = new DecodeQueue(1, 1, 64, Duration.ofMinutes(1));
        queue.submit("a", this::holdTheTurn);
        CompletableFuture<String> a1 = submit("a", "a1");
        CountDownLatch decoding = new CountDownLatch(1);
        CompletableFuture<String> b1 = queue.submit("b", () -> {
            decoding.countDown();
            return holdTheTurn();
        });
        await(decoding);

        CompletableFuture<String> b2 = submit("b", "b2");
        CompletableFuture<String> c1 = submit("c", "c1");

        assertThat(queue.queued()).as("a1 and b's second wait: a and b have a decode running; c's is waiting too, "
                + "as the reserve is taken").isEqualTo(3);
        busy.countDown();
        CompletableFuture.allOf(a1, b1, b2, c1).join();
        assertThat(ran).contains("a1", "b2", "c1");
    }

    @Test
    void aFullQueuePushesOutTheNewestImageOfTheLongestQueue() {
        queue = new DecodeQueue(1, 0, 3, Duration.ofMinutes(1));
        queue.submit("a", this::holdTheTurn);
        CompletableFuture<String> a1 = submit("a", "a1");
        CompletableFuture<String> a2 = submit("a", "a2");
        CompletableFuture<String> a3 = submit("a", "a3");

        CompletableFuture<String> b1 = submit("b", "b1");

        assertOverloaded(a3, "3 images are waiting");
        assertThat(queue.queued()).isEqualTo(3);
        busy.countDown();
        List.of(a1, a2, b1).forEach(CompletableFuture::join);
        assertThat(ran).containsExactly("a1", "b1", "a2");
    }

    @Test
    void aFullQueueRefusesTheNewcomerWhenItsOwnQueueIsTheLongest() {
        queue = new DecodeQueue(1, 0, 2, Duration.ofMinutes(1));
        queue.submit("a", this::holdTheTurn);
        CompletableFuture<String> a1 = submit("a", "a1");
        CompletableFuture<String> b1 = submit("b", "b1");

        assertOverloaded(submit("a", "a2"), "2 images are waiting");
        assertThatThrownBy(() -> queue.run("b", () -> "b2")).isInstanceOfSatisfying(ProblemException.class,
                problem -> assertThat(problem.type()).isEqualTo(ProblemType.OVERLOADED));
        busy.countDown();
        assertThat(List.of(a1.join(), b1.join())).containsExactly("a1", "b1");
    }

    @Test
    void anImageThatCannotStartWithinTheWaitLimitIsRefusedWithRetryAfter() {
        queue = new DecodeQueue(1, 0, 64, Duration.ZERO);
        queue.submit("a", this::holdTheTurn);

        CompletableFuture<String> waiting = submit("b", "b1");
        assertOverloaded(waiting, "waited more than 0 ms");
        assertThatThrownBy(() -> queue.run("c", () -> "c1")).isInstanceOfSatisfying(ProblemException.class,
                problem -> assertThat(problem.retryAfter()).contains(Duration.ofSeconds(1)));
        assertThat(ran).isEmpty();
        assertThat(queue.queued()).isZero();
    }

    @Test
    void aBlockingCallerRunsItsWorkOnItsOwnThreadWhenATurnIsFree() {
        queue = new DecodeQueue(1, 0, 64, Duration.ofMinutes(1));
        Thread caller = Thread.currentThread();

        assertThat(queue.run("a", () -> Thread.currentThread() == caller)).isTrue();
        assertThat(submit("a", "a1").join()).isEqualTo("a1");
    }

    @Test
    void aCancelledImageGivesItsPlaceUp() {
        queue = new DecodeQueue(1, 0, 64, Duration.ofMinutes(1));
        queue.submit("a", this::holdTheTurn);
        CompletableFuture<String> a1 = submit("a", "a1");

        a1.cancel(false);

        assertThat(queue.queued()).isZero();
        busy.countDown();
        assertThat(submit("b", "b1").join()).isEqualTo("b1");
        assertThat(ran).containsExactly("b1");
    }

    private CompletableFuture<String> submit(String client, String image) {
        return queue.submit(client, () -> {
            ran.add(image);
            return image;
        });
    }

    private String holdTheTurn() {
        await(busy);
        return "held";
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void assertOverloaded(CompletableFuture<String> image, String detail) {
        assertThatThrownBy(image::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.type()).isEqualTo(ProblemType.OVERLOADED);
                    assertThat(problem.getMessage()).contains(detail);
                    assertThat(problem.retryAfter()).isPresent();
                });
    }
}
