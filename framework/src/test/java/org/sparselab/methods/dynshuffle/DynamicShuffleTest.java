package org.sparselab.methods.dynshuffle;

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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigLoader;
import org.sparselab.metrics.LayerRow;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.metrics.Profiler;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.nn.ChannelShuffle;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.ShuffleSpec;

/** The layer (spec §7 tests 3, 5, 7, 8, 10, 11, 13) and its config's validation. */
class DynamicShuffleTest {
    private static final ShuffleSpec SPEC = new ShuffleSpec("s", 24, 3); // n = 8 = 2·4

    static DynShuffleConfig cfg(String extra) {
        return ConfigLoader.parse("name: dynshuffle\nshuffle: dynamic\n" + extra, DynShuffleConfig.class).config();
    }

    private static DynShuffleConfig parse(String options) {
        return ConfigLoader.parse("name: dynshuffle\n" + options, DynShuffleConfig.class).config();
    }

    private static DynamicShuffle block(DynShuffleConfig cfg, NDManager m, Shape input, int seed) {
        DynamicShuffle b = new DynamicShuffle(ShuffleLayout.of(SPEC, cfg), cfg, null);
        Engine.getInstance().setRandomSeed(seed);
        b.initialize(m, DataType.FLOAT32, input);
        return b;
    }

    /** Random generator logits (κ = 0, large FC2 weights) so argmax collisions are common. */
    private static final String RANDOM = "identity_init_scale: 0\nfc2_init_std: 2.0\n";

    @Test
    void untrainedIdentityInitialisedModuleIsTheFixedShuffleInEvaluation() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(4, 24, 3, 3);
            for (String sharing : List.of("per_group", "shared", "layout: group_blocks\nsharing: per_group",
                    "layout: group_blocks\nsharing: shared", "layout: group_blocks\nsharing: group_factor")) {
                DynamicShuffle b = block(cfg(sharing.contains(":") ? sharing + "\n" : "sharing: " + sharing + "\n"),
                        m, shape, 1);
                NDArray x = m.randomNormal(shape);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray y = b.forward(ps, new NDList(x), false).head();
                NDArray fixed = new ChannelShuffle(SPEC).forward(ps, new NDList(x), false).head();
                assertArrayEquals(fixed.toFloatArray(), y.toFloatArray(), 0f, sharing);
                assertEquals(0, b.collisionCounts()[3], "argmax at init is the identity: no collision");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hungarian", "lapjv", "greedy"})
    void hardOutputIsAPermutationOfEachSamplesChannelsEvenWhenArgmaxCollides(String repair) {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(16, 24, 2, 2);
            DynamicShuffle b = block(cfg(RANDOM + "collision_repair: " + repair + "\n"), m, shape, 2);
            NDArray x = m.randomNormal(shape);
            float[] y = b.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
            float[] xs = x.toFloatArray();
            assertTrue(b.collisionCounts()[3] > 0, "the test needs argmax collisions to repair");
            for (int s = 0; s < 16; s++) {
                boolean[] used = new boolean[24];
                for (int c = 0; c < 24; c++) {
                    int src = sourceChannel(xs, y, s, c);
                    assertTrue(src >= 0 && !used[src], "sample " + s + " output " + c + " from " + src);
                    used[src] = true;
                }
            }
        }
    }

    /** The input channel of sample s equal to output channel c (values are distinct Gaussians), or -1. */
    private static int sourceChannel(float[] x, float[] y, int s, int c) {
        for (int d = 0; d < 24; d++) {
            boolean same = true;
            for (int k = 0; k < 4 && same; k++) same = x[(s * 24 + d) * 4 + k] == y[(s * 24 + c) * 4 + k];
            if (same) return d;
        }
        return -1;
    }

    /** The device path (argmax, collision count and index as engine ops) against the host path, bit for bit. */
    @ParameterizedTest
    @ValueSource(strings = {"hungarian", "greedy", "none"})
    void deviceAndHostHardIndexGiveTheSameOutputAndCollisionCounts(String repair) {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(9, 24, 2, 2);
            for (String form : List.of("", "sharing: shared\n", "layout: group_blocks\n",
                    "layout: group_blocks\nsharing: group_factor\n", "inference_path: matmul\n",
                    "shuffle: static_dynamic\n", "shuffle: static_dynamic\nstatic_form: sd_c\n")) {
                for (String logits : List.of(RANDOM, "")) { // random: collisions; identity init: none
                    String common = (form.contains("shuffle:") ? "" : "shuffle: dynamic\n") + logits + form
                            + "collision_repair: " + repair + "\n";
                    DynamicShuffle device = block(parse(common + "hard_index: device\n"), m, shape, 4);
                    DynamicShuffle host = block(parse(common + "hard_index: host\n"), m, shape, 4);
                    NDArray x = m.randomNormal(shape);
                    ParameterStore ps = new ParameterStore(m, false);
                    float[] yd = device.forward(ps, new NDList(x), false).head().toFloatArray();
                    float[] yh = host.forward(ps, new NDList(x), false).head().toFloatArray();
                    String what = repair + ", " + form.replace('\n', ' ') + (logits.isEmpty() ? "identity" : "random");
                    assertArrayEquals(yh, yd, 0f, what);
                    assertArrayEquals(host.collisionCounts(), device.collisionCounts(), what);
                    if (!logits.isEmpty()) assertTrue(device.collisionCounts()[3] > 0, "needs collisions: " + what);
                }
            }
        }
    }

    /** The fused host index (reused arrays) against gatherRows of permutations, collision counts included. */
    @ParameterizedTest
    @ValueSource(strings = {"hungarian", "greedy", "none"})
    void theFusedHostIndexIsGatherRowsOfThePermutations(String repair) {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(7, 24, 2, 2);
            for (String form : List.of("", "sharing: shared\n", "layout: group_blocks\n")) {
                DynamicShuffle b = block(cfg(RANDOM + form + "collision_repair: " + repair + "\n"), m, shape, 5);
                float[] z = b.logits(new ParameterStore(m, false), m.randomNormal(shape), false).toFloatArray();
                int[][][][] p = b.permutations(z, 7);
                long[] counts = b.collisionCounts().clone();
                b.resetCounts();
                assertArrayEquals(FactoredPermutation.gatherRows(p[0], p[1], b.layout()), b.hostRows(z, 7), form);
                assertArrayEquals(counts, b.collisionCounts(), form);
                assertTrue(counts[3] > 0, "needs collisions: " + form);
            }
        }
    }

    @Test
    void theDeviceGatherIndexIsTheHostOneForGivenPermutations() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(5, 24, 2, 2);
            for (String form : List.of("", "sharing: shared\n", "layout: group_blocks\nsharing: group_factor\n")) {
                DynamicShuffle b = block(cfg(RANDOM + form), m, shape, 5);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray z = b.logits(ps, m.randomNormal(shape), false);
                int[][][][] perms = b.permutations(z.toFloatArray(), 5);
                NDArray[] f = b.hardFactors(z, 5);
                assertArrayEquals(FactoredPermutation.gatherRows(perms[0], perms[1], b.layout()),
                        b.gatherIndex(f[0], f[1], 5).toLongArray(), form);
            }
        }
    }

    @Test
    void gatherEqualsMultiplyingByTheHardMatrixAndTheMatmulPath() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(6, 24, 2, 2);
            DynamicShuffle gather = block(cfg(RANDOM), m, shape, 3);
            DynamicShuffle matmul = block(cfg(RANDOM + "inference_path: matmul\n"), m, shape, 3);
            NDArray x = m.randomNormal(shape);
            ParameterStore ps = new ParameterStore(m, false);
            float[] yg = gather.forward(ps, new NDList(x), false).head().toFloatArray();
            float[] ym = matmul.forward(ps, new NDList(x), false).head().toFloatArray();
            assertArrayEquals(yg, ym, 1e-5f, "inference_path gather = matmul (spec §7 test 13)");

            ShuffleLayout l = gather.layout();
            int[][][][] perms = gather.permutations(gather.logits(ps, x, false).toFloatArray(), 6);
            float[] av = DynamicShuffle.oneHot(m, perms[0], l.n1()).toFloatArray();
            float[] bv = DynamicShuffle.oneHot(m, perms[1], l.n2()).toFloatArray();
            float[] xs = x.toFloatArray();
            for (int s = 0; s < 6; s++) {
                double[][] p = FactoredPermutationTest.explicit(l, av, bv, s);
                for (int c = 0; c < 24; c++) {
                    for (int k = 0; k < 4; k++) {
                        double want = 0;
                        for (int d = 0; d < 24; d++) want += p[c][d] * xs[(s * 24 + d) * 4 + k];
                        assertEquals(want, yg[(s * 24 + c) * 4 + k], 0.0);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gradientsReachTheGeneratorThroughSoftmaxAndThroughTheStraightThroughEstimator(boolean ste) {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(4, 24, 3, 3);
            DynamicShuffle b = block(cfg("orth_lambda: 0\n"), m, shape, 4);
            b.schedule(ste, 1.0);
            NDArray x = m.randomNormal(shape);
            NDArray w = m.randomNormal(shape);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = b.forward(new ParameterStore(m, false), new NDList(x), true).head();
                if (ste) {
                    float[] v = y.toFloatArray();
                    float[] xs = x.toFloatArray();
                    for (int s = 0; s < 4; s++) {
                        for (int c = 0; c < 24; c++) {
                            assertTrue(sourceChannel9(xs, v, s, c), "STE forward is a hard channel copy");
                        }
                    }
                }
                gc.backward(y.mul(w).sum());
            }
            for (String name : List.of("fc1_weight", "fc2_weight", "fc2_bias")) {
                float[] g = parameter(b, name).getArray().getGradient().toFloatArray();
                double norm = 0;
                for (float v : g) {
                    assertTrue(Float.isFinite(v));
                    norm += v * v;
                }
                assertTrue(norm > 0, name + " gets a gradient (" + (ste ? "STE" : "softmax") + ")");
            }
        }
    }

    /**
     * {@code ste_forward: repaired}: where argmax rows collide, the straight-through training forward is the
     * evaluation's repaired permutation (the static-dynamic collapse of docs/methods/dynshuffle.md came from the two
     * differing); with {@code argmax} they differ exactly there.
     */
    @ParameterizedTest
    @ValueSource(strings = {"shuffle: dynamic", "shuffle: static_dynamic", "shuffle: static_dynamic\nstatic_form: sd_b",
        "shuffle: static_dynamic\nstatic_form: sd_c"})
    void theRepairedStraightThroughForwardIsTheEvaluationForward(String form) {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(16, 24, 2, 2);
            NDArray x = m.randomNormal(shape);
            double[] gap = new double[2]; // max |training − evaluation|: repaired, argmax
            for (String ste : List.of("repaired", "argmax")) {
                DynShuffleConfig c = parse(form + "\n" + RANDOM + "orth_lambda: 0\nste_forward: " + ste + "\n");
                String staticForm = c.shuffle().equals("static_dynamic") ? c.staticForm() : null;
                DynamicShuffle b = new DynamicShuffle(ShuffleLayout.of(SPEC, c), c, staticForm);
                Engine.getInstance().setRandomSeed(2);
                b.initialize(m, DataType.FLOAT32, shape);
                b.schedule(true, 1.0);
                ParameterStore ps = new ParameterStore(m, false);
                float[] train = b.forward(ps, new NDList(x), true).head().toFloatArray();
                float[] eval = b.forward(ps, new NDList(x), false).head().toFloatArray();
                assertTrue(b.collisionCounts()[1] > 0, "the test needs training collisions: " + form);
                double maxGap = 0;
                for (int i = 0; i < train.length; i++) maxGap = Math.max(maxGap, Math.abs(train[i] - eval[i]));
                gap[ste.equals("repaired") ? 0 : 1] = maxGap;
            }
            assertTrue(gap[0] < 1e-5, "repaired: training forward = evaluation forward, gap " + gap[0]);
            assertTrue(gap[1] > 0.1, "argmax: they differ where rows collide, gap " + gap[1]);
        }
    }

    private static boolean sourceChannel9(float[] x, float[] y, int s, int c) {
        for (int d = 0; d < 24; d++) {
            boolean same = true;
            for (int k = 0; k < 9 && same; k++) same = x[(s * 24 + d) * 9 + k] == y[(s * 24 + c) * 9 + k];
            if (same) return true;
        }
        return false;
    }

    private static Parameter parameter(Block b, String name) {
        return b.getDirectParameters().get(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soft", "ste", "sd_a", "sd_b", "sd_c"})
    void trainingAndEvaluationStepsLeaveNothingInTheModelsManager(String form) {
        try (NDManager model = NDManager.newBaseManager()) {
            Shape shape = new Shape(4, 24, 3, 3);
            String extra = form.startsWith("sd_") ? "static_form: " + form + "\n" : "";
            DynamicShuffle b = new DynamicShuffle(ShuffleLayout.of(SPEC, cfg(extra)), cfg(extra),
                    form.startsWith("sd_") ? form : null);
            b.initialize(model, DataType.FLOAT32, shape);
            b.schedule(form.equals("ste"), 1.0);
            List<Integer> live = new ArrayList<>();
            for (int step = 0; step < 4; step++) {
                try (NDManager pass = model.newSubManager()) {
                    ParameterStore ps = new ParameterStore(pass, false);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = b.forward(ps, new NDList(pass.randomNormal(shape)), true).head();
                        gc.backward(y.mul(pass.randomNormal(y.getShape())).sum());
                    }
                    b.forward(ps, new NDList(pass.randomNormal(shape)), false); // hard, repaired path
                }
                live.add(model.getManagedArrays().size());
            }
            // The first backward attaches the gradients; after that a step frees everything it made.
            assertEquals(live.get(1), live.get(2), form + ": " + live);
            assertEquals(live.get(2), live.get(3), form + ": " + live);
        }
    }

    @Test
    void orthogonalityLossGoesThroughTheMethodsExtraLossAndIsPositiveForSoftFactors() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(2, 24, 2, 2);
            DynamicShuffle b = block(cfg(""), m, shape, 5);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                b.forward(new ParameterStore(m, false), new NDList(m.randomNormal(shape)), true);
                NDArray o = b.takeOrthogonality();
                assertEquals(2 * 2, b.orthogonalityCount(), "A and B of 2 blocks (compact: 24 = 2 blocks of 3·4)");
                assertTrue(o.getFloat() > 0, "soft factors near the identity are not exact permutations");
                gc.backward(o);
            }
            assertTrue(parameter(b, "fc2_bias").getArray().getGradient().abs().sum().getFloat() > 0);
            assertEquals(null, b.takeOrthogonality(), "taken once");
        }
    }

    @Test
    void staticDynamicPointwiseReplacementHasTheSpecsParameterAndMacCounts() {
        // Spec §2.9: C = 256, G = 1, n1 = n2 = 16: static G·(n1² + n2²) = 512 parameters vs 65,536 of the 1×1 conv.
        ConvSpec pw = ConvSpec.of("b.pw", ConvSpec.Role.BLOCK, 256, 256, 1, 1, 1);
        Shape sample = new Shape(1, 256, 4, 4);
        long s = 16;
        long hidden = 64; // auto: max(256/4, 16)
        long logits = 16 * 16 + 16 * 16;
        long generator = 256 * hidden + hidden + hidden * logits + logits;
        long[][] expected = { // form, static params, training MACs, inference MACs (gather)
            {0, 512, 2 * s * 256 * 32, s * 256 * 32},
            {1, 256 * 256, s * 256 * 32 + s * 256 * 256, s * 256 * 256},
            {2, 512, s * 256 * 32, s * 256 * 32}};
        String[] forms = {"sd_a", "sd_b", "sd_c"};
        for (long[] e : expected) {
            String form = forms[(int) e[0]];
            DynShuffle method = new DynShuffle(cfg("layout: group_blocks\nstatic_form: " + form
                    + "\nreplace_pointwise: [pw]\n"));
            Block layer = method.convFactory().conv(pw);
            assertTrue(layer instanceof DynamicShuffle d && d.isStaticDynamic(), form);
            try (NDManager m = NDManager.newBaseManager()) {
                ModelProfile p = Profiler.profile(layer, sample, m);
                LayerRow gen = row(p, "b.pw.generator");
                LayerRow sd = row(p, "b.pw");
                assertEquals(generator, gen.params(), "generator FC1 + FC2");
                assertEquals(s * 256 + 256 * hidden + hidden * logits, gen.macs(), "GAP + FC1 + FC2");
                assertEquals(e[1], sd.params(), form + " static parameters");
                assertEquals(generator + e[1], p.params(), form + " total");
                assertEquals(e[2], sd.macs(), form + " training-path MACs");
                assertEquals(e[3], sd.effectiveMacs(), form + " inference-path MACs");
            }
        }
        assertEquals(256 * 256, 65_536, "the 1×1 conv it replaces");
    }

    @Test
    void dynamicShuffleCostsSoftPathMacsAndNothingAtInference() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 24, 5, 5);
            DynamicShuffle b = block(cfg(""), m, shape, 6);
            ModelProfile p = Profiler.profile(b, shape, m);
            LayerRow sd = row(p, "s");
            assertEquals(25L * 24 * (3 + 4), sd.macs(), "S·C·(n1 + n2), compact: 24 = 2 blocks of 3·4");
            assertEquals(0, sd.effectiveMacs(), "the gather");
            assertEquals(0, sd.params());
            assertEquals(b.generatorParams(), row(p, "s.generator").params());
        }
    }

    private static LayerRow row(ModelProfile p, String path) {
        return p.layers().stream().filter(r -> r.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + path + " in " + p.layers()));
    }

    @Test
    void theCompactLayoutKeepsBothFactorsSmallAndTurnsLargePrimesIntoBlocks() {
        DynShuffle method = new DynShuffle(cfg(""));
        var models = Models.defaults();
        for (String name : models.names()) {
            if (!name.startsWith("shufflenet")) continue;
            Block net = models.create(name, new ModelContext(3, 224, 1000, ConvFactory.dense(),
                    method.shuffleFactory()));
            List<DynamicShuffle> layers = new ArrayList<>();
            collect(net, layers);
            for (DynamicShuffle d : layers) {
                ShuffleLayout l = d.layout();
                assertEquals(l.channels(), l.blocks() * l.n1() * l.n2(), name + " " + l.path());
                assertTrue(l.n1() <= 4 && l.n2() <= 4, name + " " + l.path() + ": " + l.n1() + "·" + l.n2());
                assertArrayEquals(ShuffleLayout.smallFactors(l.channels(), 4), new int[] {l.n1(), l.n2()});
            }
            if (name.equals("shufflenet_v2_x1_0")) {
                // 116 = 29·(2·2), 232 = 29·(2·4), 464 = 29·(4·4): the prime 29 is the number of blocks.
                assertEquals(List.of(29), layers.stream().map(d -> d.layout().blocks()).distinct().toList());
                ShuffleLayout first = layers.get(0).layout();
                assertEquals(List.of(116, 2, 2), List.of(first.channels(), first.n1(), first.n2()), "stage 2: 2⊗2");
            }
        }
        assertArrayEquals(new int[] {4, 4}, ShuffleLayout.smallFactors(48, 4));
        assertArrayEquals(new int[] {2, 2}, ShuffleLayout.smallFactors(116, 4));
        assertArrayEquals(new int[] {2, 4}, ShuffleLayout.smallFactors(232, 4));
        assertArrayEquals(new int[] {3, 4}, ShuffleLayout.smallFactors(60, 4));
        assertArrayEquals(new int[] {1, 1}, ShuffleLayout.smallFactors(29, 4), "a prime: blocks of one channel");
        assertArrayEquals(new int[] {8, 8}, ShuffleLayout.smallFactors(192, 8));
    }

    @Test
    void aCompactBlocksFactorsComeFromItsOwnChannelsThroughTheSharedGenerator() {
        // SPEC: 24 channels = 2 blocks of 3·4; logits per sample: A0 (9), B0 (16), A1 (9), B1 (16).
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 24, 2, 2);
            DynamicShuffle b = block(cfg(RANDOM), m, shape, 9);
            assertEquals(12 * 8 + 8 + 8 * 25 + 25, b.generatorParams(), "FC1 12→8, FC2 8→25, shared by both blocks");
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(shape);
            float[] z = b.logits(ps, x, false).toFloatArray();
            float[] bump = new float[24 * 4];
            for (int i = 12 * 4; i < 24 * 4; i++) bump[i] = 3f; // channels 12-23: block 1 only
            float[] moved = b.logits(ps, x.add(m.create(bump, shape)), false).toFloatArray();
            for (int i = 0; i < 25; i++) assertEquals(z[i], moved[i], 0f, "block 0 logit " + i); // A0, B0
            boolean changed = false;
            for (int i = 25; i < 50; i++) changed |= z[i] != moved[i]; // A1, B1
            assertTrue(changed, "block 1's factors follow its channels");
            // The same channels in both blocks give both blocks the same factors: one generator, shared.
            float[] twin = new float[24 * 4];
            for (int i = 0; i < 24 * 4; i++) twin[i] = (float) Math.sin(i % 48);
            float[] t = b.logits(ps, m.create(twin, shape), false).toFloatArray();
            for (int i = 0; i < 25; i++) assertEquals(t[i], t[25 + i], 1e-6f, "A0 = A1 and B0 = B1, logit " + i);
        }
    }

    @Test
    void everyShuffleNetWidthGetsAFactorisedModuleAtEveryShufflePoint() {
        DynShuffle method = new DynShuffle(cfg("layout: group_blocks\n"));
        var models = Models.defaults();
        int checked = 0;
        for (String name : models.names()) {
            if (!name.startsWith("shufflenet")) continue;
            Block net = models.create(name, new ModelContext(3, 224, 1000, ConvFactory.dense(), method.shuffleFactory()));
            List<DynamicShuffle> layers = new ArrayList<>();
            collect(net, layers);
            boolean grouped = !name.contains("_g1_");
            assertEquals(grouped, !layers.isEmpty(), name);
            for (DynamicShuffle d : layers) {
                ShuffleLayout l = d.layout();
                assertEquals(l.channels(), l.groups() * l.n1() * l.n2(), name + " " + l.path());
                assertArrayEquals(ShuffleLayout.nearSquare(l.channels() / l.groups()), new int[] {l.n1(), l.n2()});
            }
            if (name.equals("shufflenet_v2_x1_0")) {
                assertEquals(List.of(58, 116, 232), layers.stream().map(d -> d.layout().channels() / 2).distinct()
                        .toList());
                assertEquals(29, layers.get(0).layout().n2(), "the prime factor 29");
            }
            if (name.equals("shufflenet_v2_x2_0")) assertEquals(61, layers.get(0).layout().n2());
            checked++;
        }
        assertEquals(4 + 20, checked, "4 V2 widths and 5 group counts × 4 widths of V1");
    }

    @Test
    void placementAndExplicitFactorsSelectShufflePoints() {
        DynShuffle method = new DynShuffle(cfg("placement: [stage3, stage2.block1]\n"
                + "factors: {stage3.block0.shuffle: [2, 24]}\n"));
        Block net = Models.defaults().create("shufflenet_v2_x0_5",
                new ModelContext(3, 32, 10, ConvFactory.dense(), method.shuffleFactory()));
        List<DynamicShuffle> layers = new ArrayList<>();
        collect(net, layers);
        assertEquals(List.of("stage2.block1.shuffle", "stage3.block0.shuffle", "stage3.block1.shuffle",
                "stage3.block2.shuffle", "stage3.block3.shuffle", "stage3.block4.shuffle", "stage3.block5.shuffle",
                "stage3.block6.shuffle", "stage3.block7.shuffle"), layers.stream().map(DynamicShuffle::path).toList());
        assertEquals(2, layers.get(1).layout().n1(), "explicit factors at stage3.block0");
        assertEquals(2, layers.get(1).layout().blocks(), "96 channels in blocks of 2·24");
        assertEquals(4, layers.get(2).layout().n1(), "small factors elsewhere: 96 = 6 blocks of 4·4");
        assertEquals(6, layers.get(2).layout().blocks());
    }

    private static void collect(Block b, List<DynamicShuffle> out) {
        if (b instanceof DynamicShuffle d) out.add(d);
        for (Block c : b.getChildren().values()) collect(c, out);
    }

    @Test
    void badOptionsAreOneClearConfigError() {
        var e = assertThrows(ConfigException.class, () -> cfg("binarize: ste_afterwarmup\n"));
        assertTrue(e.getMessage().contains("binarize") && e.getMessage().contains("ste_after_warmup"), e.getMessage());
        var f = assertThrows(ConfigException.class, () -> ShuffleLayout.of(SPEC, cfg("layout: group_blocks\n"
                + "factors: {s: [3, 3]}\n")));
        assertTrue(f.getMessage().contains("method.factors.s") && f.getMessage().contains("n = C/G = 8"),
                f.getMessage());
        var c = assertThrows(ConfigException.class, () -> ShuffleLayout.of(SPEC, cfg("factors: {s: [5, 5]}\n")));
        assertTrue(c.getMessage().contains("method.factors.s: expected n1·n2 dividing the 24 channels"),
                c.getMessage());
        var r3 = assertThrows(ConfigException.class, () -> cfg("sharing: group_factor\n"));
        assertTrue(r3.getMessage().contains("needs layout: group_blocks"), r3.getMessage());
        var g = assertThrows(ConfigException.class, () -> ShuffleLayout.of(SPEC, cfg("groups: 5\n")));
        assertTrue(g.getMessage().contains("method.groups"), g.getMessage());
        var ste = assertThrows(ConfigException.class, () -> cfg("ste_forward: repaired\ncollision_repair: none\n"));
        assertTrue(ste.getMessage().contains("ste_forward") && ste.getMessage().contains("collision_repair"),
                ste.getMessage());
        assertEquals(2, ShuffleLayout.of(SPEC, cfg("factors: {s: [2, 4]}\n")).n1());
    }
}
