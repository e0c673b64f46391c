package org.sparselab.train;

/** Learning rate as a pure function of the position in a phase, so a resumed run sees exactly the same rates. */
@FunctionalInterface
public interface LrFunction {
    double lr(int epochInPhase, int iteration, int iterationsPerEpoch);
}
