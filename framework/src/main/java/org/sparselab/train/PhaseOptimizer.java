package org.sparselab.train;

import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** An optimizer as the training loop drives it: the DJL optimizer, a settable learning rate, checkpointable state. */
public interface PhaseOptimizer {
    Optimizer djl();

    void setLearningRate(double lr);

    void saveState(DataOutputStream out) throws IOException;

    void loadState(DataInputStream in, NDManager manager) throws IOException;
}
