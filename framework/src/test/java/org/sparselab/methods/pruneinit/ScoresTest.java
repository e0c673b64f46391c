package org.sparselab.methods.pruneinit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparselab.methods.InitData;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.GradientMode;
import org.sparselab.nn.LinearSpec;
import org.sparselab.nn.MaskedConv2d;
import org.sparselab.nn.MaskedLayer;
import org.sparselab.nn.MaskedLinear;

/** Issue 12 §3: each criterion's score on a tiny network against the same quantity computed by hand. */
class ScoresTest {
    /** InitData that always returns the same batch. */
    private static InitData fixed(float[] x, Shape shape, long[] y) {
        return new InitData() {
            @Override
            public NDList batch(int index, int size, NDManager manager) {
                return new NDList(manager.create(x, shape), manager.create(y));
            }

            @Override
            public NDList balancedBatch(int perClass, NDManager manager) {
                return batch(0, 0, manager);
            }

            @Override
            public int numClasses() {
                return 2;
            }
        };
    }

    @Test
    void snipIsTheAbsoluteGradientTimesWeightOfTheBatchLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedLinear fc = new MaskedLinear(new LinearSpec("fc", 3, 2, ai.djl.training.initializer.Initializer.ZEROS,
                    ai.djl.training.initializer.Initializer.ZEROS), GradientMode.MASKED);
            fc.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            float[] w = {0.5f, -1, 2, 1.5f, 0.25f, -0.75f};
            fc.weight().getArray().set(w);
            float[] x = {1, 2, -1, 0.5f, -1, 3};
            long[] y = {0, 1};
            List<float[]> s = Scores.snip(fc, List.of(fc), fixed(x, new Shape(2, 3), y), 1, 2, m);
            // By hand: z_n = W x_n, p_n = softmax(z_n), ∂L/∂W = mean_n (p_n − onehot(y_n)) x_nᵀ.
            double[] expected = new double[6];
            for (int n = 0; n < 2; n++) {
                double[] z = new double[2];
                for (int o = 0; o < 2; o++) for (int i = 0; i < 3; i++) z[o] += w[o * 3 + i] * x[n * 3 + i];
                double max = Math.max(z[0], z[1]);
                double e0 = Math.exp(z[0] - max);
                double e1 = Math.exp(z[1] - max);
                double[] p = {e0 / (e0 + e1), e1 / (e0 + e1)};
                for (int o = 0; o < 2; o++) {
                    for (int i = 0; i < 3; i++) expected[o * 3 + i] += (p[o] - (y[n] == o ? 1 : 0)) * x[n * 3 + i] / 2;
                }
            }
            for (int e = 0; e < 6; e++) {
                assertEquals(Math.abs(expected[e] * w[e]), s.get(0)[e], 1e-6, "SNIP score of weight " + e);
            }
            assertArrayEquals(w, fc.weight().getArray().toFloatArray(), "the model is left as it was");
        }
    }

    /** Two 1×1 convs with a ReLU between on a (1, C, 1, 1) input: a 2-layer MLP whose paths SynFlow counts. */
    private static List<MaskedConv2d> mlp(NDManager m, SequentialBlock net, int in, int hidden, int out) {
        MaskedConv2d c1 = MaskedConv2d.builder().setSpec(ConvSpec.of("c1", ConvSpec.Role.BLOCK, in, hidden, 1, 1, 1))
                .build();
        MaskedConv2d c2 = MaskedConv2d.builder().setSpec(ConvSpec.of("c2", ConvSpec.Role.BLOCK, hidden, out, 1, 1, 1))
                .build();
        net.add(c1).add(Activation.reluBlock()).add(c2)
                .add(new LambdaBlock(l -> new NDList(l.head().reshape(l.head().getShape().get(0), out))));
        net.initialize(m, DataType.FLOAT32, new Shape(1, in, 1, 1));
        return List.of(c1, c2);
    }

    @Test
    void synflowScoresAreThePathSumsOfTheLinearisedNetworkAndSignsComeBack() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock();
            List<MaskedConv2d> convs = mlp(m, net, 2, 3, 2);
            float[] w1 = {1, -2, 0.5f, 3, -1, 1}; // (3, 2)
            float[] w2 = {2, -1, 0.5f, -0.25f, 1, 4}; // (2, 3)
            convs.get(0).weight().getArray().set(w1);
            convs.get(1).weight().getArray().set(w2);
            List<MaskedLayer> layers = new ArrayList<>(convs);
            List<float[]> s = Scores.synflow(net, layers, new Shape(1, 2, 1, 1), m);
            // R = 1ᵀ|W2||W1|1: ∂R/∂W1[i][j] = Σ_k |W2[k][i]|, ∂R/∂W2[k][i] = Σ_j |W1[i][j]|; score = |θ|·∂R/∂θ.
            for (int i = 0; i < 3; i++) {
                double col = Math.abs(w2[i]) + Math.abs(w2[3 + i]);
                double row = Math.abs(w1[i * 2]) + Math.abs(w1[i * 2 + 1]);
                for (int j = 0; j < 2; j++) assertEquals(Math.abs(w1[i * 2 + j]) * col, s.get(0)[i * 2 + j], 1e-5);
                for (int k = 0; k < 2; k++) assertEquals(Math.abs(w2[k * 3 + i]) * row, s.get(1)[k * 3 + i], 1e-5);
            }
            assertArrayEquals(w1, convs.get(0).weight().getArray().toFloatArray(), "signs restored");
            assertArrayEquals(w2, convs.get(1).weight().getArray().toFloatArray(), "signs restored");
        }
    }

    @Test
    void graspsHessianGradientProductMatchesAFiniteDifferenceOfGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            SequentialBlock net = new SequentialBlock();
            List<MaskedConv2d> convs = mlp(m, net, 4, 6, 3);
            List<MaskedLayer> layers = new ArrayList<>(convs);
            NDArray x = m.randomNormal(new Shape(8, 4, 1, 1));
            NDArray y = m.create(new long[] {0, 1, 2, 0, 1, 2, 0, 1});
            NDList[] halves = {new NDList(x.get("0:4"), y.get("0:4")), new NDList(x.get("4:"), y.get("4:"))};
            double t = 2; // a mild temperature keeps the curvature large enough for a float finite difference
            List<float[]> hg = Scores.hessianGradient(net, layers, halves, t, m);
            List<float[]> g = gradient(net, convs, halves, t, m);
            double eps = 1e-2;
            List<float[]> plus = gradientAt(net, convs, g, eps, halves, t, m);
            List<float[]> minus = gradientAt(net, convs, g, -eps, halves, t, m);
            for (int l = 0; l < 2; l++) {
                for (int e = 0; e < hg.get(l).length; e++) {
                    double fd = (plus.get(l)[e] - minus.get(l)[e]) / (2 * eps);
                    assertEquals(fd, hg.get(l)[e], 2e-3 + 2e-2 * Math.abs(fd), "Hg of layer " + l + " weight " + e);
                }
            }
        }
    }

    /** Σ over halves of ∂L/∂θ at the current weights. */
    private static List<float[]> gradient(Block net, List<MaskedConv2d> convs, NDList[] halves, double t,
            NDManager m) {
        Scores.zeroGradients(net);
        for (NDList half : halves) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Scores.temperedLoss(net, half, t, m));
            }
        }
        List<float[]> out = new ArrayList<>();
        for (MaskedConv2d c : convs) out.add(c.weight().getArray().getGradient().toFloatArray());
        Scores.zeroGradients(net);
        return out;
    }

    /** The gradient at θ + eps·g, weights restored afterwards. */
    private static List<float[]> gradientAt(Block net, List<MaskedConv2d> convs, List<float[]> g, double eps,
            NDList[] halves, double t, NDManager m) {
        List<float[]> saved = new ArrayList<>();
        for (int l = 0; l < convs.size(); l++) {
            float[] w = convs.get(l).weight().getArray().toFloatArray();
            saved.add(w.clone());
            for (int e = 0; e < w.length; e++) w[e] += (float) (eps * g.get(l)[e]);
            convs.get(l).weight().getArray().set(w);
        }
        List<float[]> out = gradient(net, convs, halves, t, m);
        for (int l = 0; l < convs.size(); l++) convs.get(l).weight().getArray().set(saved.get(l));
        return out;
    }

    @Test
    void topKKeepsExactlyKAndBreaksTiesByPosition() {
        float[] scores = {1, 3, 3, 2, 3, 0};
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 0}, org.sparselab.methods.masking.TopK.keep(scores, 2, null));
        var global = org.sparselab.methods.masking.TopK.keepGlobal(List.of(new float[] {1, 1}, new float[] {1, 5}),
                2, null);
        assertArrayEquals(new float[] {1, 0}, global.get(0));
        assertArrayEquals(new float[] {0, 1}, global.get(1));
        float[] eligible = {1, 0, 1, 1, 0, 1};
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0},
                org.sparselab.methods.masking.TopK.keep(scores, 2, eligible), "only eligible weights compete");
    }
}
