package org.sparselab.methods.ssc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparselab.methods.ssc.SscPattern.ChannelMode;
import org.sparselab.methods.ssc.SscPattern.Spatial;
import org.sparselab.nn.ConvDecomposition;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.DecomposedConv2d;
import org.sparselab.nn.ElementwiseInit;
import org.sparselab.nn.MaskedConv2d;

/**
 * Spec §7 test 6: the decomposed SSC layer (grouped and dilated convs between gathers) equals the masked dense conv
 * (the reference) in outputs, input gradients and weight gradients, to 1e-5, for every pattern, both channel modes,
 * with and without the pointwise complement, stride 1 and 2, on 7×6, 8×8 and 32×32 inputs; and where the
 * structure allows it the plan really is decomposed (not the masked fallback).
 *
 * <p>Channel counts are multiples of 16 on purpose: libtorch 2.7.1's CPU backward of a dense k×k conv returns wrong
 * (run-to-run different, sometimes NaN) gradients when its channel counts are not (e.g. 8 or 24 channels;
 * {@code EngineConvGradientTest}, docs/architecture.md), which would make the masked reference itself wrong.
 */
class SscDecompositionTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Spatial pattern : Spatial.values()) {
            for (ChannelMode mode : ChannelMode.values()) {
                for (boolean complement : new boolean[] {false, true}) {
                    for (int stride : new int[] {1, 2}) {
                        int[][] sizes = stride == 1 ? new int[][] {{7, 6}, {32, 32}} : new int[][] {{8, 8}, {7, 6}};
                        for (int[] hw : sizes) out.add(Arguments.of(pattern, mode, complement, stride, hw[0], hw[1], 4));
                    }
                }
            }
        }
        // G = 1 (checkerboard only) and G = 2 with 5×5 kernels.
        out.add(Arguments.of(Spatial.ALT_CHANNEL, ChannelMode.CONTIGUOUS, false, 1, 8, 8, 1));
        out.add(Arguments.of(Spatial.ALT_FILTER, ChannelMode.SHIFTED, true, 2, 8, 8, 2));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} complement={2} stride={3} {4}x{5} G={6}")
    @MethodSource("cases")
    void decomposedEqualsMaskedInOutputsAndGradients(Spatial pattern, ChannelMode mode, boolean complement,
            int stride, int h, int w, int groups) {
        check(ConvSpec.of("layer", ConvSpec.Role.BLOCK, 16, 32, 3, stride, 1), pattern, mode, complement, h, w, groups);
    }

    @ParameterizedTest(name = "k5 {0}")
    @MethodSource("kernel5")
    void fiveByFiveKernels(Spatial pattern, boolean complement) {
        check(ConvSpec.of("k5", ConvSpec.Role.BLOCK, 16, 16, 5, 1, 1), pattern, ChannelMode.CONTIGUOUS, complement, 9, 8,
                2);
    }

    static Stream<Arguments> kernel5() {
        return Stream.of(Spatial.values()).flatMap(p -> Stream.of(Arguments.of(p, false), Arguments.of(p, true)));
    }

    static void check(ConvSpec spec, Spatial pattern, ChannelMode mode, boolean complement, int h, int w,
            int groups) {
        float[] mask = SscPattern.mask(spec, new SscPattern.Options(groups, mode, pattern, complement));
        ConvDecomposition.Plan plan = ConvDecomposition.plan(spec, mask);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            Shape in = new Shape(2, spec.in(), h, w);
            var masked = MaskedConv2d.builder().setSpec(spec).optFixedMask(mask).build();
            masked.initialize(m, DataType.FLOAT32, in);
            float[] scale = new float[mask.length];
            java.util.Arrays.fill(scale, 0.3f);
            var decomposed = new DecomposedConv2d(plan, new ElementwiseInit(scale, false));
            decomposed.initialize(m, DataType.FLOAT32, in);
            decomposed.loadDense(masked.weight().getArray().toFloatArray());

            NDArray x1 = m.randomNormal(in);
            NDArray x2 = x1.duplicate();
            x1.setRequiresGradient(true);
            x2.setRequiresGradient(true);
            NDArray upstream = m.randomNormal(spec.outputShape(in));
            NDArray y1;
            NDArray y2;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y1 = masked.forward(new ParameterStore(m, false), new NDList(x1), true).head();
                gc.backward(y1.mul(upstream).sum());
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y2 = decomposed.forward(new ParameterStore(m, false), new NDList(x2), true).head();
                gc.backward(y2.mul(upstream).sum());
            }
            String what = plan.describe();
            assertTrue(plan.decomposed(), "the SSC family always has an exact decomposition: " + what);
            if (pattern == Spatial.FULL && !complement) {
                assertEquals(1, plan.parts().size(), "a groupwise mask is one conv over the whole kernel: " + what);
                assertTrue(what.contains("all taps " + spec.kernel() + "×" + spec.kernel()), what);
            }
            assertEquals(y1.getShape(), y2.getShape(), "output shape of the 3×3/pad-1 conv: " + what);
            assertClose(y1.toFloatArray(), y2.toFloatArray(), "outputs: " + what);
            assertClose(x1.getGradient().toFloatArray(), x2.getGradient().toFloatArray(), "input gradients: " + what);
            // A weight gradient sums N·H'·W' products (2 048 at 32×32), so float32 rounding scales with its size:
            // the tolerance is 1e-5 relative to the largest gradient.
            float[] g1 = masked.weight().getArray().getGradient().toFloatArray();
            assertClose(g1, decomposed.denseGradient(), "weight gradients: " + what, 1e-5 * Math.max(1, maxAbs(g1)));
            assertEquals(masked.keptWeights(), (long) plan.parts().stream().mapToLong(ConvDecomposition.Part::nonZeros)
                    .sum(), "the parts hold exactly the mask's weights: " + what);
        }
    }

    static void assertClose(float[] a, float[] b, String what) {
        assertClose(a, b, what, 1e-5);
    }

    static void assertClose(float[] a, float[] b, String what, double tolerance) {
        assertEquals(a.length, b.length, what);
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        assertTrue(max <= tolerance, what + ": max difference " + max + " > " + tolerance);
    }

    static double maxAbs(float[] a) {
        double max = 0;
        for (float v : a) max = Math.max(max, Math.abs(v));
        return max;
    }
}
