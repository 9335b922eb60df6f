package dev.visionapi.image;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.visionapi.problem.ProblemException;
import dev.visionapi.problem.ProblemType;

/**
 * Where images wait for one of a fixed few decoding turns. Each client (an address or an API key's name, as the
 * caller names it) has a queue of its own. A client with nothing waiting that sends an image takes the next free turn
 * (newcomers in the order they come, alternating with the others when both wait); after that its images wait their
 * turn in a round of the clients with images waiting, one image each. While every turn is taken, a reserve turn (or a
 * few) goes to a newcomer with no decode running: however many images one client sends, another client's image
 * starts at once, or after the rest of one decode when the reserve is busy too, and none waits for ever.
 *
 * <p>At most {@code maxQueued} images wait in all: one more pushes out the newest image of the longest queue, or is
 * refused itself when its own queue is the longest, so a flood fills no other client's place. An image that waits
 * longer than {@code maxWait} is refused. Refusals are 503 {@code overloaded} with Retry-After.
 */
final class DecodeQueue {

    private final int maxQueued;
    private final long maxWaitNanos;
    private final Duration retryAfter;
    private final ExecutorService threads;
    private final ScheduledThreadPoolExecutor timer;
    private final ReentrantLock lock = new ReentrantLock();
    /** Clients with images waiting that have had no turn since they had none waiting. Guarded by the lock. */
    private final ArrayDeque<ClientQueue> newcomers = new ArrayDeque<>();
    /** The other clients with images waiting, in the order they get their next turn; each once. Guarded by the lock. */
    private final ArrayDeque<ClientQueue> rotation = new ArrayDeque<>();
    /** Whether the last turn went to a newcomer while the round waited: the next goes to the round. */
    private boolean roundPassedOver;
    private final Map<String, ClientQueue> byClient = new HashMap<>();
    /** Decodes running per client. Guarded by the lock. */
    private final Map<String, Integer> running = new HashMap<>();
    private int freeTurns;
    private int freeReserveTurns;
    private int queued;

    /**
     * {@code turns} decodes at once, and up to {@code reserveTurns} more for newcomers while they are all taken,
     * {@code maxQueued} images waiting at most, each for at most {@code maxWait}.
     */
    DecodeQueue(int turns, int reserveTurns, int maxQueued, Duration maxWait) {
        this.freeTurns = turns;
        this.freeReserveTurns = reserveTurns;
        this.maxQueued = maxQueued;
        this.maxWaitNanos = maxWait.toNanos();
        // Whole seconds, at least one: by then the images met in the queue have been decoded or refused.
        this.retryAfter = Duration.ofSeconds(Math.max(1, (maxWait.toMillis() + 999) / 1000));
        this.threads = Executors.newFixedThreadPool(turns + reserveTurns, daemonThreads("image-decode"));
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("image-decode-timer"));
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Runs {@code work} on one of the queue's threads when {@code client}'s turn comes. The result fails with an
     * {@code overloaded} problem if the image is refused; cancelling it before the turn comes gives the place up.
     */
    <T> CompletableFuture<T> submit(String client, Supplier<T> work) {
        AsyncWaiter<T> waiter = new AsyncWaiter<>(client, work);
        List<Waiter> refused = new ArrayList<>(1);
        lock.lock();
        try {
            enqueue(waiter, refused);
            if (waiter.state == State.WAITING) {
                waiter.timeout = timer.schedule(() -> expire(waiter), maxWaitNanos, TimeUnit.NANOSECONDS);
            }
            dispatch();
        } finally {
            lock.unlock();
        }
        refused.forEach(Waiter::refused);
        // Cancelled by the caller (another image of its request failed, say): the place is given up at once.
        waiter.result.whenComplete((value, failure) -> withdraw(waiter));
        return waiter.result;
    }

    /**
     * Runs {@code work} on the calling thread, which blocks until {@code client}'s turn comes, for at most the
     * queue's wait limit; throws an {@code overloaded} problem if the image is refused.
     */
    <T> T run(String client, Supplier<T> work) {
        BlockingWaiter waiter = new BlockingWaiter(client, lock.newCondition());
        List<Waiter> refused = new ArrayList<>(1);
        lock.lock();
        try {
            enqueue(waiter, refused);
            dispatch();
            long left = maxWaitNanos;
            try {
                while (waiter.state == State.WAITING && left > 0) {
                    left = waiter.turn.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                // Shutting down: given up like an image that waited too long.
                Thread.currentThread().interrupt();
            }
            if (waiter.state == State.WAITING) {
                remove(waiter);
                waiter.state = State.REFUSED;
                waiter.refusal = waitedTooLong();
            }
        } finally {
            lock.unlock();
        }
        refused.forEach(Waiter::refused);
        if (waiter.state != State.RUNNING) {
            throw waiter.refusal;
        }
        try {
            return work.get();
        } finally {
            release(waiter);
        }
    }

    /** Images waiting for their turn, all clients together. */
    int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    void shutdown() {
        timer.shutdownNow();
        threads.shutdown();
    }

    /** Queues the waiter, or refuses it or another one to keep within {@code maxQueued}; the refused are collected. */
    private void enqueue(Waiter waiter, List<Waiter> refused) {
        ClientQueue own = byClient.get(waiter.client);
        if (queued >= maxQueued) {
            ClientQueue longest = Stream.concat(newcomers.stream(), rotation.stream())
                    .max((a, b) -> Integer.compare(a.waiters.size(), b.waiters.size())).orElse(null);
            int ownLength = own == null ? 0 : own.waiters.size();
            if (longest == null || longest.waiters.size() <= ownLength) {
                refuse(waiter, queueFull(), refused);
                return;
            }
            Waiter pushedOut = longest.waiters.peekLast();
            remove(pushedOut);
            refuse(pushedOut, queueFull(), refused);
        }
        if (own == null) {
            own = new ClientQueue(waiter.client);
            byClient.put(waiter.client, own);
            newcomers.addLast(own);
        }
        own.waiters.addLast(waiter);
        queued++;
    }

    /**
     * Hands free turns out: to the newcomers first, but never twice in a row while the round waits, so that a stream
     * of new clients cannot hold the round back; when none is free, a reserve turn to the first newcomer with no
     * decode running. Called with the lock held.
     */
    private void dispatch() {
        while (true) {
            ClientQueue next;
            boolean reserve = false;
            if (freeTurns > 0 && !(newcomers.isEmpty() && rotation.isEmpty())) {
                boolean newcomer = !newcomers.isEmpty() && (rotation.isEmpty() || !roundPassedOver);
                roundPassedOver = newcomer && !rotation.isEmpty();
                next = newcomer ? newcomers.pollFirst() : rotation.pollFirst();
            } else if (freeReserveTurns > 0 && (next = idleNewcomer()) != null) {
                newcomers.remove(next);
                reserve = true;
            } else {
                return;
            }
            Waiter waiter = next.waiters.pollFirst();
            queued--;
            if (next.waiters.isEmpty()) {
                byClient.remove(next.client);
            } else {
                rotation.addLast(next);
            }
            if (waiter.abandoned()) {
                waiter.state = State.REFUSED;
                continue;
            }
            if (reserve) {
                freeReserveTurns--;
            } else {
                freeTurns--;
            }
            waiter.reserve = reserve;
            running.merge(waiter.client, 1, Integer::sum);
            waiter.state = State.RUNNING;
            waiter.start();
        }
    }

    private ClientQueue idleNewcomer() {
        for (ClientQueue candidate : newcomers) {
            if (!running.containsKey(candidate.client)) {
                return candidate;
            }
        }
        return null;
    }

    private void release(Waiter finished) {
        lock.lock();
        try {
            if (finished.reserve) {
                freeReserveTurns++;
            } else {
                freeTurns++;
            }
            running.computeIfPresent(finished.client, (client, count) -> count == 1 ? null : count - 1);
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    private void expire(AsyncWaiter<?> waiter) {
        lock.lock();
        try {
            if (waiter.state != State.WAITING) {
                return;
            }
            remove(waiter);
            waiter.state = State.REFUSED;
            waiter.refusal = waitedTooLong();
        } finally {
            lock.unlock();
        }
        waiter.refused();
    }

    private void withdraw(AsyncWaiter<?> waiter) {
        lock.lock();
        try {
            if (waiter.state == State.WAITING) {
                remove(waiter);
                waiter.state = State.REFUSED;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes a waiting waiter out of its client's queue. Called with the lock held. */
    private void remove(Waiter waiter) {
        ClientQueue own = byClient.get(waiter.client);
        if (own != null && own.waiters.remove(waiter)) {
            queued--;
            if (own.waiters.isEmpty()) {
                byClient.remove(own.client);
                if (!newcomers.remove(own)) {
                    rotation.remove(own);
                }
            }
        }
    }

    /** Marks the waiter refused and wakes it if it blocks; the refused are told once the lock is let go. */
    private static void refuse(Waiter waiter, ProblemException refusal, List<Waiter> refused) {
        waiter.state = State.REFUSED;
        waiter.refusal = refusal;
        waiter.wake();
        refused.add(waiter);
    }

    private ProblemException queueFull() {
        return new ProblemException(ProblemType.OVERLOADED,
                "%d images are waiting to be decoded, the limit; try again later.".formatted(maxQueued),
                retryAfter, null);
    }

    private ProblemException waitedTooLong() {
        return new ProblemException(ProblemType.OVERLOADED,
                "The image waited more than %d ms to be decoded; try again later.".formatted(maxWaitNanos / 1_000_000),
                retryAfter, null);
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return work -> {
            Thread thread = new Thread(work, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private enum State { WAITING, RUNNING, REFUSED }

    /** One client's waiting images, oldest first. */
    private static final class ClientQueue {

        final String client;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

        ClientQueue(String client) {
            this.client = client;
        }
    }

    /** One image waiting for its turn; its state is guarded by the queue's lock. */
    private abstract static class Waiter {

        final String client;
        State state = State.WAITING;
        ProblemException refusal;
        /** Whether it runs on a reserve turn. */
        boolean reserve;

        Waiter(String client) {
            this.client = client;
        }

        /** Whether nobody waits for the result any more; such a waiter is dropped when its turn comes. */
        abstract boolean abandoned();

        /** Its turn has come; called with the lock held, so it must only hand the work on. */
        abstract void start();

        /** Its state changed while it may be blocked waiting; called with the lock held. */
        abstract void wake();

        /** It was refused; called without the lock. */
        abstract void refused();
    }

    private final class AsyncWaiter<T> extends Waiter {

        final Supplier<T> work;
        final CompletableFuture<T> result = new CompletableFuture<>();
        ScheduledFuture<?> timeout;

        AsyncWaiter(String client, Supplier<T> work) {
            super(client);
            this.work = work;
        }

        @Override
        boolean abandoned() {
            return result.isDone();
        }

        @Override
        void start() {
            if (timeout != null) {
                timeout.cancel(false);
            }
            threads.execute(() -> {
                try {
                    result.complete(work.get());
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                } finally {
                    release(this);
                }
            });
        }

        @Override
        void wake() {
            // Nothing blocks on it: its result tells.
        }

        @Override
        void refused() {
            if (timeout != null) {
                timeout.cancel(false);
            }
            result.completeExceptionally(refusal);
        }
    }

    private static final class BlockingWaiter extends Waiter {

        final Condition turn;

        BlockingWaiter(String client, Condition turn) {
            super(client);
            this.turn = turn;
        }

        @Override
        boolean abandoned() {
            return false;
        }

        @Override
        void start() {
            turn.signal();
        }

        @Override
        void wake() {
            turn.signal();
        }

        @Override
        void refused() {
            // Woken already: the waiting thread throws its refusal.
        }
    }
}
