package org.sparselab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.sparselab.metrics.Profiler;

class MaskedConv2dTest {
    @Test
    void zeroMaskRemovesTheMaskedTaps() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 1×1×3×3 input 1..9, 2×2 kernel of ones; mask keeps only the top-left tap → output = x[i][j].
            var conv = MaskedConv2d.builder().setSpec(new ConvSpec("c", ConvSpec.Role.BLOCK, 1, 1, 2, 1, 0, 1, 1, false)).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 1, 3, 3));
            conv.weight().getArray().set(new float[] {1, 1, 1, 1});
            conv.mask().getArray().set(new float[] {1, 0, 0, 0});
            NDArray x = m.arange(1f, 10f).reshape(1, 1, 3, 3);
            NDArray y = conv.forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertArrayEquals(new float[] {1, 2, 4, 5}, y.toFloatArray());
        }
    }

    @Test
    void profilerCountsTheMasksNonZeros() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 4→8 k3 on 6×6 (padding 1): 288 weights, 36 positions → 10368 dense MACs. Mask half the output
            // channels: 144 kept weights → 5184 effective MACs, density 0.5.
            var conv = MaskedConv2d.builder().setSpec(ConvSpec.of("c", ConvSpec.Role.BLOCK, 4, 8, 3, 1, 1)).build();
            var net = new SequentialBlock().add(conv);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4, 6, 6));
            float[] mask = new float[288];
            for (int i = 0; i < 144; i++) mask[i] = 1; // output channels 0..3 (36 weights each)
            conv.mask().getArray().set(mask);
            var p = Profiler.profile(net, new Shape(1, 4, 6, 6), m);
            assertEquals(288, p.params());
            assertEquals(144, p.effectiveParams());
            assertEquals(10368, p.macs());
            assertEquals(5184, p.effectiveMacs());
            assertEquals(0.5, p.layers().get(0).density(), 1e-12);
        }
    }

    @Test
    void maskIsNotTrained() {
        var conv = MaskedConv2d.builder().setSpec(ConvSpec.of("c", ConvSpec.Role.BLOCK, 2, 2, 3, 1, 1)).build();
        assertEquals(false, conv.mask().requiresGradient());
        assertEquals(true, conv.weight().requiresGradient());
    }
}
