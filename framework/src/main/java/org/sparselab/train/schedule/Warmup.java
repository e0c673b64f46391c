package org.sparselab.train.schedule;

import org.sparselab.config.Check;

/** Shared checks for the warmup keys of every schedule record. */
final class Warmup {
    private Warmup() {}

    static void check(double warmupEpochs, double warmupStartFactor, int iterationOffset) {
        Check.nonNegative("warmup_epochs", warmupEpochs);
        Check.inClosed("warmup_start_factor", warmupStartFactor, 0, 1);
        Check.inClosed("iteration_offset", iterationOffset, 0, 1);
    }
}
