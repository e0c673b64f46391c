package org.sparselab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The in-place ReLU overwrites its input with exactly DJL's ReLU, and back-propagates exactly as it does. */
class InPlaceTest {
    @Test
    void reluOverwritesALargeInputWithTheOutOfPlaceValuesAndGivesThemForASmallOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(InPlace.SMALL / 64, 4, 4, 4)); // SMALL elements
            float[] expected = Activation.relu(x).toFloatArray();
            NDArray y = InPlace.relu(x);
            assertArrayEquals(expected, y.toFloatArray(), 0f);
            assertArrayEquals(expected, x.toFloatArray(), 0f, "the input's memory holds the result");
            NDArray small = m.randomNormal(new Shape(2, 3, 4, 4));
            assertArrayEquals(Activation.relu(small).toFloatArray(), InPlace.relu(small).toFloatArray(), 0f);
            assertEquals(0, InPlace.reluBlock().forward(null, new NDList(m.create(new float[] {-1f})), false)
                    .singletonOrThrow().getFloat());
        }
    }

    @Test
    void gradientsEqualTheOutOfPlaceRelusThroughAPrecedingOp() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(4, 8));
            NDArray w = m.randomNormal(new Shape(8, 8));
            NDArray[] grads = new NDArray[2];
            for (int inPlace = 0; inPlace < 2; inPlace++) {
                NDArray xi = x.duplicate();
                xi.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray h = xi.matMul(w); // a non-leaf, as a BN output is
                    NDArray r = inPlace == 1 ? InPlace.relu(h) : Activation.relu(h);
                    gc.backward(r.mul(r).sum());
                }
                grads[inPlace] = xi.getGradient().duplicate();
            }
            assertArrayEquals(grads[0].toFloatArray(), grads[1].toFloatArray(), 0f);
        }
    }
}
