package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Scalar constants for arithmetic that autograd records. */
public final class Constants {
    private Constants() {}

    /**
     * A 0-d tensor holding {@code value}, with {@code like}'s dtype and device, allocated by torch. Use it instead of
     * {@code mul(Number)}/{@code add(Number)} on anything backward will differentiate: DJL wraps such a number in a
     * Java buffer that it may free before backward reads the saved operand, which gives random (often NaN) gradients.
     */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType(), like.getDevice());
    }
}
