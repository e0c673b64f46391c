package org.sparselab.methods.ssc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.DecomposedConv2d;
import org.sparselab.nn.MaskedConv2d;
import org.sparselab.train.ParameterIO;

/**
 * Spec §7 tests 3, 5, 7, 8, 9: the special cases against DJL's own convolutions with the same weights, zero
 * gradients at masked weights, the redundant overlap, initial statistics of both forms, and the mask parameter.
 */
class SscLayerTest {
    private static final ConvSpec SPEC = ConvSpec.of("stage1.block0.conv1", ConvSpec.Role.BLOCK, 16, 16, 3, 1, 1);
    private static final Shape IN = new Shape(2, 16, 8, 8);

    /** The SSC layer {@code yaml} builds for {@code spec}, initialised, with its (masked) weight. */
    private static MaskedConv2d layer(String yaml, ConvSpec spec, NDManager m) {
        Ssc ssc = new Ssc(SscConfigs.parse(yaml));
        MaskedConv2d conv = (MaskedConv2d) ssc.convFactory().conv(spec);
        conv.initialize(m, DataType.FLOAT32, new Shape(2, spec.in(), 8, 8));
        return conv;
    }

    private static NDArray run(Block b, NDArray x, NDManager m) {
        return b.forward(new ParameterStore(m, false), new NDList(x), false).head();
    }

    private static NDArray conv(NDArray x, NDArray w, int padding, int groups) {
        return Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(padding, padding), new Shape(1, 1), groups).head();
    }

    private static double maxDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    /** Rows n, columns [from, from+len) of a (N, C, k, k) weight: one group's block of a block-diagonal weight. */
    private static NDArray diagonalBlocks(NDArray w, int groups) {
        long n = w.getShape().get(0);
        long c = w.getShape().get(1);
        NDList blocks = new NDList();
        for (int g = 0; g < groups; g++) {
            blocks.add(w.get(g * n / groups + ":" + (g + 1) * n / groups + "," + g * c / groups + ":"
                    + (g + 1) * c / groups));
        }
        return NDArrays.concat(blocks, 0);
    }

    @Test
    void standardGroupwiseDepthwiseAndPointwiseAreDjlsOwnConvs() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(IN);
            MaskedConv2d standard = layer("{name: ssc, groups: 1, pattern: full, pointwise_complement: false}", SPEC, m);
            assertEquals(0.0, maxDiff(run(standard, x, m), conv(x, standard.weight().getArray(), 1, 1)),
                    "G=1, FULL, no complement = dense conv, bit for bit");
            MaskedConv2d grouped = layer("{name: ssc, groups: 4, pattern: full, pointwise_complement: false}", SPEC, m);
            NDArray gw = diagonalBlocks(grouped.weight().getArray(), 4);
            assertTrue(maxDiff(run(grouped, x, m), conv(x, gw, 1, 4)) <= 1e-6, "contiguous G=4 = conv2d(groups=4)");
            MaskedConv2d depthwise = layer("{name: ssc, groups: 16, pattern: full, pointwise_complement: false}", SPEC,
                    m);
            NDArray dw = diagonalBlocks(depthwise.weight().getArray(), 16);
            assertTrue(maxDiff(run(depthwise, x, m), conv(x, dw, 1, 16)) <= 1e-6, "G=C = depthwise conv");
            MaskedConv2d pointwise = layer("{name: ssc, groups: 1, kernel_size: 1}", SPEC, m);
            assertEquals(new Shape(16, 16, 1, 1), pointwise.weight().getArray().getShape());
            assertEquals(0.0, maxDiff(run(pointwise, x, m), conv(x, pointwise.weight().getArray(), 0, 1)),
                    "kernel_size 1 = pointwise conv");
        }
    }

    /**
     * HetConv(P) as its public PyTorch implementations compute it (sxpro/HetConvolution2d_pytorch): a grouped k×k
     * conv on the channels gathered by residue, plus a full 1×1 conv minus the grouped 1×1 conv on those channels.
     */
    @Test
    void shiftedFullWithComplementIsHetConv() {
        int p = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(IN);
            MaskedConv2d het = layer("{name: ssc, groups: 4, channel_mode: shifted, pattern: full}", SPEC, m);
            float[] w = het.weight().getArray().toFloatArray();
            int n = 16;
            int c = 16;
            int s = c / p;
            // Residue order: channels and filters c ≡ r (mod P) together, r = 0..P-1.
            int[] byResidue = new int[c];
            for (int r = 0, at = 0; r < p; r++) for (int ch = r; ch < c; ch += p) byResidue[at++] = ch;
            float[] w3 = new float[n * s * 9];
            float[] w1 = new float[n * c];
            java.util.Random rnd = new java.util.Random(3);
            for (int f = 0; f < n; f++) {
                int of = byResidue[f]; // output slot f computes filter byResidue[f]
                for (int j = 0; j < s; j++) System.arraycopy(w, (of * c + byResidue[(f / s) * s + j]) * 9, w3, (f * s + j) * 9, 9);
                for (int ch = 0; ch < c; ch++) {
                    boolean inS = Math.floorMod(ch - of, p) == 0;
                    // Q_n: the centre tap; S_n: any value, the grouped 1×1 below cancels it.
                    w1[f * c + ch] = inS ? (float) rnd.nextGaussian() : w[(of * c + ch) * 9 + 4];
                }
            }
            NDArray xr = x.get(":, {}", m.create(java.util.Arrays.stream(byResidue).asLongStream().toArray()));
            NDArray w1a = m.create(w1, new Shape(n, c, 1, 1));
            float[] w1g = new float[n * s];
            for (int f = 0; f < n; f++) for (int j = 0; j < s; j++) w1g[f * s + j] = w1[f * c + byResidue[(f / s) * s + j]];
            NDArray yr = conv(xr, m.create(w3, new Shape(n, s, 3, 3)), 1, p)
                    .add(conv(x, w1a, 0, 1))
                    .sub(conv(xr, m.create(w1g, new Shape(n, s, 1, 1)), 0, p));
            int[] restore = new int[n];
            for (int f = 0; f < n; f++) restore[byResidue[f]] = f;
            NDArray y = yr.get(":, {}", m.create(java.util.Arrays.stream(restore).asLongStream().toArray()));
            assertTrue(maxDiff(run(het, x, m), y) <= 1e-5, "HetConv(4): " + maxDiff(run(het, x, m), y));
        }
    }

    @Test
    void centreOfARedundantOneByOneMergesIntoTheKernel() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(IN);
            NDArray wk = m.randomNormal(new Shape(16, 16, 3, 3));
            NDArray w1 = m.randomNormal(new Shape(16, 16, 1, 1));
            NDArray merged = wk.duplicate();
            merged.set(new ai.djl.ndarray.index.NDIndex(":, :, 1, 1"), wk.get(":, :, 1, 1").add(w1.reshape(16, 16)));
            NDArray separate = conv(x, wk, 1, 1).add(conv(x, w1, 0, 1));
            double scale = separate.abs().max().getFloat(); // sums of 160 products: float32 rounding scales with them
            assertTrue(maxDiff(separate, conv(x, merged, 1, 1)) <= 1e-6 * scale * 10,
                    "conv(x, Wk) + conv(x, W1) = conv(x, Wk with centre += W1): " + maxDiff(separate, conv(x, merged, 1, 1)));
        }
    }

    @Test
    void maskedWeightsAreZeroGetNoGradientAndSaveAsZeros() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedConv2d l = layer("{name: ssc}", SPEC, m);
            float[] mask = l.mask().getArray().toFloatArray();
            NDArray x = m.randomNormal(IN);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(l.forward(new ParameterStore(m, false), new NDList(x), true).head().sum());
                float[] g = l.weight().getArray().getGradient().toFloatArray();
                for (int i = 0; i < mask.length; i++) if (mask[i] == 0) assertEquals(0f, Math.abs(g[i]), "gradient at " + i);
            }
            float[] w = l.weight().getArray().toFloatArray();
            for (int i = 0; i < mask.length; i++) if (mask[i] == 0) assertEquals(0f, Math.abs(w[i]), "weight " + i);
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            ParameterIO.save(l, new DataOutputStream(saved));
            MaskedConv2d fresh = layer("{name: ssc}", SPEC, m);
            fresh.weight().getArray().set(new float[mask.length]);
            ParameterIO.load(fresh, new java.io.DataInputStream(new java.io.ByteArrayInputStream(saved.toByteArray())));
            assertEquals(0.0, maxDiff(fresh.weight().getArray(), l.weight().getArray()), "saved and loaded");
            assertEquals(0.0, maxDiff(fresh.mask().getArray(), l.mask().getArray()), "the mask travels with it");
            assertTrue(!l.mask().requiresGradient(), "the optimizer never sees the mask");
        }
    }

    @Test
    void bothFormsStartFromTheSameWeightStatistics() {
        for (String rule : new String[] {"dense_fan", "nonzero_fan"}) {
            ConvSpec spec = ConvSpec.of("stage2.block0.conv1", ConvSpec.Role.BLOCK, 64, 64, 3, 1, 1);
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(1);
                MaskedConv2d masked = layer("{name: ssc, init_rule: " + rule + "}", spec, m);
                Ssc decomposedMethod = new Ssc(SscConfigs.parse("{name: ssc, implementation: decomposed, init_rule: "
                        + rule + "}"));
                DecomposedConv2d decomposed = (DecomposedConv2d) decomposedMethod.convFactory().conv(spec);
                decomposed.initialize(m, DataType.FLOAT32, new Shape(2, 64, 8, 8));
                double a = std(masked.weight().getArray().toFloatArray());
                double b = std(decomposed.denseWeight());
                // 25,920 non-zeros each: the std of a std estimate is ~0.5 %; 3 % is far beyond noise.
                assertEquals(a, b, 0.03 * a, rule + ": std of the kept weights " + a + " vs " + b);
                double expected = rule.equals("dense_fan") ? Math.sqrt(2.0 / (64 * 9)) : Math.sqrt(2.0 / (64 * 9 * 0.2083));
                assertEquals(expected, a, 0.05 * expected, rule + ": kaiming fan-out std");
            }
        }
    }

    private static double std(float[] w) {
        double s = 0;
        double s2 = 0;
        int n = 0;
        for (float v : w) {
            if (v == 0) continue;
            s += v;
            s2 += (double) v * v;
            n++;
        }
        return Math.sqrt(s2 / n - (s / n) * (s / n));
    }
}
