package org.sparselab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** The shared masked layers: gradient modes, fixed patterns, masking at initialisation, the classifier form. */
class MaskedLayerTest {
    private static final float[] MASK = {1, 0, 0, 1, 0, 1, 1, 0}; // for the (1, 2, 2, 2) weight of a 2→1 2×2 conv

    /** Gradient of sum(conv(x)) w.r.t. the dense weight, for a 1-filter 2-channel 2×2 conv on a 2×2 input. */
    private static float[] weightGradient(GradientMode mode) {
        try (NDManager m = NDManager.newBaseManager()) {
            var conv = MaskedConv2d.builder()
                    .setSpec(new ConvSpec("c", ConvSpec.Role.BLOCK, 2, 1, 2, 1, 0, 1, 1, false))
                    .optGradientMode(mode).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 2, 2));
            conv.weight().getArray().set(new float[] {1, 2, 3, 4, 5, 6, 7, 8});
            conv.setMask(MASK);
            NDArray x = m.arange(1f, 9f).reshape(1, 2, 2, 2);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = conv.forward(new ParameterStore(m, false), new NDList(x), true).head();
                // forward value is W ⊙ M in both modes: 1·1 + 4·4 + 6·6 + 7·7 = 102
                assertEquals(102f, y.getFloat(0, 0, 0, 0), 0f);
                gc.backward(y.sum());
            }
            return conv.weight().getArray().getGradient().toFloatArray();
        }
    }

    @Test
    void maskedModeGivesMaskTimesGradientAndSteTheWholeGradient() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8}; // ∂y/∂W = x for a 2×2 kernel on a 2×2 input
        float[] masked = new float[8];
        for (int i = 0; i < 8; i++) masked[i] = MASK[i] * x[i];
        assertArrayEquals(masked, weightGradient(GradientMode.MASKED));
        assertArrayEquals(x, weightGradient(GradientMode.STE));
    }

    @Test
    void fixedPatternIsInPlaceAtInitialisationAndCannotBeRewritten() {
        try (NDManager m = NDManager.newBaseManager()) {
            var conv = MaskedConv2d.builder()
                    .setSpec(new ConvSpec("p", ConvSpec.Role.BLOCK, 2, 1, 2, 1, 0, 1, 1, false))
                    .optFixedMask(MASK).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 2, 2));
            assertArrayEquals(MASK, conv.mask().getArray().toFloatArray());
            float[] w = conv.weight().getArray().toFloatArray();
            for (int i = 0; i < 8; i++) if (MASK[i] == 0) assertEquals(0f, Math.abs(w[i]), "masked weight zero at init: " + i);
            assertEquals(4, conv.keptWeights());
            var e = assertThrows(IllegalStateException.class, () -> conv.setMask(new float[8]));
            assertEquals("p: the mask is fixed by the layer's pattern", e.getMessage());
        }
    }

    @Test
    void maskedClassifierCountsAndComputesOnlyKeptWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            var fc = new MaskedLinear(new LinearSpec("fc", 3, 2, ai.djl.training.initializer.Initializer.ONES,
                    ai.djl.training.initializer.Initializer.ZEROS), GradientMode.MASKED);
            fc.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            fc.setMask(new float[] {1, 0, 1, 0, 1, 0});
            NDArray y = fc.forward(new ParameterStore(m, false), new NDList(m.create(new float[] {1, 2, 3},
                    new Shape(1, 3))), false).head();
            assertArrayEquals(new float[] {4, 2}, y.toFloatArray()); // rows (1,0,1)·x and (0,1,0)·x
            var cost = fc.cost(new Shape(1, 3), new Shape(1, 2));
            assertEquals(8, cost.params());
            assertEquals(5, cost.effectiveParams()); // 3 kept weights + 2 biases
            assertEquals(3, cost.effectiveMacs());
            assertEquals(LayerKind.CLASSIFIER, fc.layerKind());
        }
    }

    @Test
    void everyConvHasOneKind() {
        assertEquals(LayerKind.BLOCK, LayerKind.of(ConvSpec.of("a", ConvSpec.Role.BLOCK, 8, 8, 3, 1, 1)));
        assertEquals(LayerKind.POINTWISE, LayerKind.of(ConvSpec.of("a", ConvSpec.Role.BLOCK, 8, 8, 1, 1, 1)));
        assertEquals(LayerKind.DEPTHWISE, LayerKind.of(ConvSpec.of("a", ConvSpec.Role.BLOCK, 8, 8, 3, 1, 8)));
        assertEquals(LayerKind.SHORTCUT, LayerKind.of(ConvSpec.of("a", ConvSpec.Role.SHORTCUT, 8, 16, 1, 2, 1)));
        assertEquals(LayerKind.STEM, LayerKind.of(ConvSpec.of("a", ConvSpec.Role.STEM, 3, 16, 3, 1, 1)));
        assertEquals(LayerKind.HEAD, LayerKind.of(ConvSpec.of("a", ConvSpec.Role.HEAD, 8, 16, 1, 1, 1)));
    }
}
