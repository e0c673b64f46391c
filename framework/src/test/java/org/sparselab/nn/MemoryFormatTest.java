package org.sparselab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparselab.nn.TorchLayout.contiguous;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import org.junit.jupiter.api.Test;

/**
 * Channels-last through DJL: the engine sees NHWC strides, runs the conv in that format and returns it, and the
 * per-channel layers between convs keep it (so one conversion at a network's entry suffices).
 */
class MemoryFormatTest {
    @Test
    void channelsLastKeepsValuesAndTheEngineRunsConvAndBatchNormInIt() throws Exception {
        assertTrue(MemoryFormat.CHANNELS_LAST.supported(), "PyTorch engine");
        assertEquals(MemoryFormat.CHANNELS_LAST, MemoryFormat.named("channels_last"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 16, 8, 8));
            NDArray cl = MemoryFormat.CHANNELS_LAST.apply(x);
            assertEquals(x.getShape(), cl.getShape());
            assertTrue(x.contentEquals(cl), "same values");
            assertTrue(contiguous(x));
            assertFalse(contiguous(cl), "NHWC strides");
            NDArray w = m.randomNormal(new Shape(16, 4, 3, 3));
            Shape one = new Shape(1, 1);
            NDArray y = Conv2d.conv2d(cl, w, null, one, one, one, 4).head();
            NDArray ref = Conv2d.conv2d(x, w, null, one, one, one, 4).head();
            assertFalse(contiguous(y), "the conv ran and returned channels-last");
            assertTrue(contiguous(ref));
            assertTrue(y.sub(ref).abs().max().getFloat() <= 1e-4 * ref.abs().max().getFloat());
            NDArray bn = BatchNorm.batchNorm(y, m.zeros(new Shape(16)), m.ones(new Shape(16)), m.ones(new Shape(16)),
                    m.zeros(new Shape(16)), 1, 0.9f, 1e-5f, false).head();
            NDArray out = Activation.relu(bn).add(cl);
            assertFalse(contiguous(out), "BatchNorm, ReLU and the residual add keep channels-last");
            assertTrue(MemoryFormat.NCHW.apply(x) == x);
        }
    }
}
