package org.sparselab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class LayersTest {
    @Test
    void convComputesPytorchCrossCorrelation() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 1×1×3×3 input 1..9, 2×2 kernel [[1,0],[0,-1]], no padding: out[i][j] = x[i][j] − x[i+1][j+1] = −4.
            var conv = Conv2dBlock.builder()
                    .setSpec(new ConvSpec("c", ConvSpec.Role.STEM, 1, 1, 2, 1, 0, 1, 1, false)).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 1, 3, 3));
            conv.weight().getArray().set(new float[] {1, 0, 0, -1});
            NDArray x = m.arange(1f, 10f).reshape(1, 1, 3, 3);
            NDArray y = conv.forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertEquals(new Shape(1, 1, 2, 2), y.getShape());
            assertArrayEquals(new float[] {-4, -4, -4, -4}, y.toFloatArray());
        }
    }

    @Test
    void groupedConvCostIsDividedByGroups() {
        var dense = ConvSpec.of("a", ConvSpec.Role.BLOCK, 16, 32, 3, 1, 1);
        var grouped = dense.withGroups(4);
        Shape out = new Shape(1, 32, 8, 8);
        // dense: 32·16·9 = 4608 weights, × 64 positions = 294912 MACs; 4 groups: a quarter of each.
        assertEquals(4608, Conv2dBlock.denseCost(dense, out).params());
        assertEquals(294912, Conv2dBlock.denseCost(dense, out).macs());
        assertEquals(1152, Conv2dBlock.denseCost(grouped, out).params());
        assertEquals(73728, Conv2dBlock.denseCost(grouped, out).macs());
    }

    @Test
    void channelShuffleInterleavesGroups() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 6 channels in 2 groups [0 1 2 | 3 4 5] → [0 3 1 4 2 5]
            var shuffle = new ChannelShuffle(new ShuffleSpec("s", 6, 2));
            NDArray x = m.arange(0f, 6f).reshape(1, 6, 1, 1);
            NDArray y = shuffle.forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, y.toFloatArray());
            for (int c = 0; c < 6; c++) assertEquals(y.toFloatArray()[c], ChannelShuffle.sourceOf(c, 6, 2));
        }
    }

    @Test
    void traceRecordsLayersOnlyWhileCapturing() {
        try (NDManager m = NDManager.newBaseManager()) {
            var conv = Conv2dBlock.builder().setSpec(ConvSpec.of("c", ConvSpec.Role.STEM, 1, 2, 3, 2, 1)).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            NDArray x = m.ones(new Shape(1, 1, 8, 8));
            var ps = new ParameterStore(m, false);
            var entries = LayerTrace.capture(() -> conv.forward(ps, new NDList(x), false));
            assertEquals(1, entries.size());
            assertEquals(new Shape(1, 2, 4, 4), entries.get(0).output());
            conv.forward(ps, new NDList(x), false); // not capturing: nothing recorded, no error
        }
    }
}
