package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * A weight layer (conv or linear) whose forward pass uses {@code W ⊙ M} with a 0/1 mask M of the weight's shape. The
 * mask is a parameter (saved, checkpointed, moved with the model to each device) that the optimizer never touches;
 * mask methods read weights, scores and gradients through this interface whatever the layer type.
 */
public interface MaskedLayer extends CostedLayer {
    Parameter weight();

    Parameter mask();

    /** The dense weight's shape: (out, in/groups, k, k) for a conv, (out, in) for a linear layer. */
    Shape weightShape();

    LayerKind layerKind();

    GradientMode gradientMode();

    /** Switches how the dense weight is trained from the next forward pass on (e.g. STE while a mask is selected). */
    void setGradientMode(GradientMode mode);

    /** Whether the mask was fixed when the layer was built (a pattern): {@link #setMask} then refuses. */
    boolean fixedMask();

    /** Replaces the mask with 0/1 {@code values} in weight layout (row-major); refused for a fixed mask. */
    default void setMask(float[] values) {
        if (fixedMask()) throw new IllegalStateException(path() + ": the mask is fixed by the layer's pattern");
        NDArray m = mask().getArray();
        if (values.length != m.size()) {
            throw new IllegalArgumentException(path() + ": mask of " + values.length + " values for a weight of "
                    + m.getShape());
        }
        m.set(values);
    }

    /** {@code W ← W ⊙ M}: masked weights become exactly zero (so checkpoints are sparse and decay cannot regrow). */
    default void applyMaskToWeight() {
        weight().getArray().muli(mask().getArray());
    }

    /** Non-zeros of the mask. */
    default long keptWeights() {
        return mask().getArray().countNonzero().toType(DataType.INT64, false).getLong();
    }

    /**
     * {@code W ⊙ M} from {@code w} and {@code m} (the parameter values for this pass) with this layer's gradient
     * mode, owned by {@code pass}: DJL puts a result in its first operand's manager, which for a parameter is the
     * model's, so it (and, in training, its autograd graph) would otherwise live as long as the model.
     */
    static NDArray maskedWeight(NDArray w, NDArray m, GradientMode mode, NDManager pass) {
        NDArray masked = w.mul(m);
        masked.attach(pass);
        if (mode == GradientMode.MASKED) return masked;
        NDArray delta = masked.sub(w).stopGradient(); // in pass (first operand masked)
        NDArray effective = w.add(delta);
        effective.attach(pass);
        return effective;
    }

    /** The masked weight for one forward pass on {@code x}'s device. */
    default NDArray maskedWeight(ParameterStore ps, NDArray x, boolean training) {
        return maskedWeight(ps.getValue(weight(), x.getDevice(), training), ps.getValue(mask(), x.getDevice(),
                training), gradientMode(), x.getManager());
    }
}
