package org.sparselab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.Map;

/**
 * What a method may do during training; the trainer calls these and knows nothing else about the method.
 *
 * <p>Order within one step: forward → {@link #extraLosses} added to the loss → backward → {@link #afterBackward}
 * (gradients exist, optimizer not yet applied: a penalty added to the gradient here passes through momentum) →
 * optimizer step → {@link #afterStep} (e.g. re-apply masks). After validation: {@link #endOfEpoch}.
 */
public interface TrainingHooks {
    /** No-op hooks: dense training. */
    TrainingHooks NONE = new TrainingHooks() {};

    /**
     * Extra loss terms for this batch, by name, added to the loss before backward; allocate in {@code ctx.manager()}.
     * A method that wants them logged reports their epoch means through {@link EpochContext#scalars()}.
     */
    default Map<String, NDArray> extraLosses(StepContext ctx) {
        return Map.of();
    }

    default void afterBackward(StepContext ctx) {}

    default void afterStep(StepContext ctx) {}

    default void endOfEpoch(EpochContext ctx) {}

    /**
     * The method's state for a checkpoint (permutations, λ, schedule position…): what parameters do not hold. Masks
     * are parameters and travel with them.
     */
    default MethodState saveState() {
        return MethodState.NONE;
    }

    /** Restores what {@link #saveState} returned; arrays are created in {@code manager} (the model's). */
    default void loadState(MethodState state, NDManager manager) throws IOException {}
}
