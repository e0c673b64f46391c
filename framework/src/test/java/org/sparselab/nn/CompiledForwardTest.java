package org.sparselab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;

/**
 * The compiled forward gives DJL's block-by-block pass bit for bit: in training, outputs, gradients and BN statistics;
 * in evaluation, outputs, with BN's running statistics used and left alone.
 */
class CompiledForwardTest {

    /** Outputs, every parameter's gradient, then every parameter (BN statistics moved) after one pass. */
    private static List<float[]> pass(Block net, NDManager m, NDArray x, CompiledForward compiled) {
        List<float[]> seen = new ArrayList<>();
        ParameterStore ps = new ParameterStore(m, false);
        try (NDManager scope = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            scope.tempAttachAll(x);
            NDArray out = compiled == null ? net.forward(ps, new NDList(x), true).head() : compiled.forward(ps, x).head();
            seen.add(out.toFloatArray());
            // a loss whose gradient differs per logit, so every path of the backward carries distinct values
            NDArray w = scope.arange(out.size()).reshape(out.getShape()).toType(DataType.FLOAT32, false).mul(0.01f);
            gc.backward(out.mul(w).sum());
        }
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (a.hasGradient()) {
                try (NDArray g = a.getGradient()) {
                    seen.add(g.toFloatArray());
                    ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) a);
                }
            }
            seen.add(a.toFloatArray());
        }
        return seen;
    }

    /** Evaluation outputs of DJL's {@code net} and of {@code compiledNet} compiled in evaluation mode: equal. */
    private static void assertEvaluationMatches(Block net, Block compiledNet, NDManager m, NDArray x, String what)
            throws Exception {
        ParameterStore ps = new ParameterStore(m, false);
        try (CompiledForward eval = CompiledForward.compile(compiledNet, false); NDManager scope = m.newSubManager()) {
            assertTrue(eval.source().contains(", False, "), eval.source()); // batch_norm(..., training=False, ...)
            List<float[]> before = new ArrayList<>();
            for (Pair<String, Parameter> p : compiledNet.getParameters()) before.add(p.getValue().getArray().toFloatArray());
            scope.tempAttachAll(x);
            float[] djl = net.forward(ps, new NDList(x), false).head().toFloatArray();
            float[] compiled = eval.forward(ps, x).head().toFloatArray();
            assertArrayEquals(djl, compiled, 0f, what + ": evaluation output");
            int i = 0;
            for (Pair<String, Parameter> p : compiledNet.getParameters()) {
                assertArrayEquals(before.get(i++), p.getValue().getArray().toFloatArray(), 0f,
                        what + ": evaluation leaves " + p.getKey() + " alone");
            }
        }
    }

    private static Block resnet(NDManager m, int seed) {
        Block net = Models.defaults().create("resnet20", ModelContext.dense(1, 12, 10));
        Engine.getInstance().setRandomSeed(seed);
        net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 12, 12));
        return net;
    }

    @Test
    void resnetTrainingPassesMatchDjlsBitForBitInBothMemoryFormats() throws Exception {
        for (MemoryFormat format : MemoryFormat.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                Block djl = resnet(m, 11);
                Block compiledNet = resnet(m, 11);
                CompiledForward compiled = CompiledForward.compile(compiledNet);
                assertTrue(compiled.source().contains("torch.batch_norm("), compiled.source());
                Engine.getInstance().setRandomSeed(3);
                for (int step = 0; step < 3; step++) {
                    NDArray x = format.apply(m.randomNormal(new Shape(4, 1, 12, 12)));
                    List<float[]> a = pass(djl, m, x, null);
                    List<float[]> b = pass(compiledNet, m, x, compiled);
                    assertEquals(a.size(), b.size());
                    for (int i = 0; i < a.size(); i++) {
                        assertArrayEquals(a.get(i), b.get(i), 0f, format + ", step " + step + ", array " + i);
                    }
                }
                // BN's running statistics have moved away from their initial values: evaluation uses them
                assertEvaluationMatches(djl, compiledNet, m, format.apply(m.randomNormal(new Shape(4, 1, 12, 12))),
                        "resnet20 " + format);
            }
        }
    }

    /** Two equal models of {@code arch}, one compiled: every training pass's arrays equal, bit for bit. */
    private static void assertCompiledMatches(String arch, int channels, int size, String mustUse) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Block[] nets = new Block[2];
            for (int i = 0; i < 2; i++) {
                nets[i] = Models.defaults().create(arch, ModelContext.dense(channels, size, 10));
                Engine.getInstance().setRandomSeed(5);
                nets[i].initialize(m, DataType.FLOAT32, new Shape(1, channels, size, size));
            }
            CompiledForward compiled = CompiledForward.compile(nets[1]);
            assertTrue(compiled.source().contains(mustUse), compiled.source());
            Engine.getInstance().setRandomSeed(4);
            for (int step = 0; step < 2; step++) {
                NDArray x = m.randomNormal(new Shape(2, channels, size, size));
                List<float[]> a = pass(nets[0], m, x, null);
                List<float[]> b = pass(nets[1], m, x, compiled);
                assertEquals(a.size(), b.size());
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(a.get(i), b.get(i), 0f, arch + ", step " + step + ", array " + i);
                }
            }
            assertEvaluationMatches(nets[0], nets[1], m, m.randomNormal(new Shape(2, channels, size, size)), arch);
        }
    }

    @Test
    void vggWithItsMaxPoolsMatchesDjlBitForBit() throws Exception {
        assertCompiledMatches("vgg16_bn", 3, 32, "torch.max_pool2d(");
    }

    @Test
    void shuffleNetsWithSplitConcatShuffleAndAvgPoolMatchDjlBitForBit() throws Exception {
        assertCompiledMatches("shufflenet_v2_x0_5", 3, 32, "torch.permute(");
        assertCompiledMatches("shufflenet_v1_g3_x1_0", 3, 32, "torch.avg_pool2d(");
    }

    @Test
    void aBlockWithoutATorchScriptFormKeepsTheModelOnDjlsPathAndSaysWhich() {
        Block net = Models.defaults().create("mobilenet_v2", ModelContext.dense(3, 32, 10)); // DJL's ReLU6 lambda
        CompiledForward.Unsupported e = assertThrows(CompiledForward.Unsupported.class,
                () -> CompiledForward.compile(net));
        assertTrue(e.getMessage().startsWith("model/"), e.getMessage());
        assertTrue(e.getMessage().contains("has no TorchScript form"), e.getMessage());
    }
}
