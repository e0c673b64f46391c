package org.sparselab.train;

/**
 * A request from outside the training thread to stop at the next step boundary: SIGTERM (Slurm preemption, a time
 * limit, Ctrl-C), or the sweep that started this process going away. The training loop checks it after every step
 * and after every epoch's checkpoint, writes a checkpoint of exactly where it stands and ends with
 * {@link TrainingStopped}; a later resume continues from that step with identical results.
 *
 * <p>One per process, as signals are.
 */
public final class StopRequest {
    private static volatile String reason;
    private static final java.util.concurrent.atomic.AtomicInteger LISTENING =
            new java.util.concurrent.atomic.AtomicInteger();
    private static volatile java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);

    private StopRequest() {}

    /** Asks the training loop to stop; the first reason given is kept. */
    public static synchronized void request(String why) {
        if (reason == null) reason = why;
    }

    /** Why a stop was requested, or null while none was. */
    public static String reason() {
        return reason;
    }

    /**
     * Set by each training loop while it checks for requests, so that a stopper knows whether waiting helps; counted,
     * since loops may run side by side (sweep workers) or one inside another's callback (a benchmark).
     */
    static void listening(boolean on) {
        if (on) LISTENING.incrementAndGet();
        else LISTENING.decrementAndGet();
    }

    /** Whether a training loop is running and will stop at its next step boundary when asked. */
    public static boolean listening() {
        return LISTENING.get() > 0;
    }

    /** Called once the stop has been reported to the user (the CLI's last line), so shutdown may proceed. */
    public static void markReported() {
        reported.countDown();
    }

    /** Waits up to {@code ms} for {@link #markReported}; JVM shutdown must not cut the report short. */
    public static void awaitReported(long ms) {
        try {
            reported.await(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forgets a request (for a process that runs several trainings, e.g. tests). */
    public static synchronized void clear() {
        reason = null;
        reported = new java.util.concurrent.CountDownLatch(1);
    }
}
