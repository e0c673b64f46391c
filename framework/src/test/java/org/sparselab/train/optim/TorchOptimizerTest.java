package org.sparselab.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigTypes;
import org.sparselab.nn.LinearBlock;

/**
 * Hand-computed PyTorch updates on one 2-element parameter w0 = [1, −2] with gradients g1 = [0.5, 1], g2 = [−1, 0.5],
 * g3 = [0.25, −0.5]; lr 0.1 throughout. Expected values are worked out in the comments.
 */
class TorchOptimizerTest {
    private static final float[] W0 = {1f, -2f};
    private static final float[][] G = {{0.5f, 1f}, {-1f, 0.5f}, {0.25f, -0.5f}};
    private static final float TOL = 1e-6f;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Runs {@code steps} updates from W0 with the first gradients of G and returns the weight. */
    private float[] run(TorchOptimizer opt, int steps) {
        NDArray w = manager.create(W0);
        for (int t = 0; t < steps; t++) {
            try (NDArray g = manager.create(G[t])) {
                opt.update("w", w, g);
            }
        }
        return w.toFloatArray();
    }

    @Test
    void cachedScalarOperandsGiveBitForBitWhatDjlsNumberOperandsGive() {
        try (TorchSgd opt = new TorchSgd(0.1)) {
            NDArray w = manager.randomNormal(new ai.djl.ndarray.types.Shape(1000));
            double[] values = {0.1, 5e-4, 0.9, 1 - 0.999, 0.1 / (1 - Math.pow(0.9, 7)), Math.sqrt(1 - Math.pow(0.999, 3)),
                1e-8, 1 - 0.1 * 5e-4};
            for (int round = 0; round < 3; round++) { // the second and third rounds read the cache
                for (double v : values) {
                    NDArray s = opt.scalar(v, DataType.FLOAT32, manager);
                    assertArrayEquals(w.mul(v).toFloatArray(), w.mul(s).toFloatArray(), 0f, "mul " + v);
                    assertArrayEquals(w.div(v).toFloatArray(), w.div(s).toFloatArray(), 0f, "div " + v);
                    assertArrayEquals(w.add(v).toFloatArray(), w.add(s).toFloatArray(), 0f, "add " + v);
                    assertArrayEquals(w.duplicate().muli(v).toFloatArray(), w.duplicate().muli(s).toFloatArray(), 0f);
                }
            }
            for (int i = 0; i < 100; i++) opt.scalar(i + 0.5, DataType.FLOAT32, manager); // evicts: the cache stays small
            assertEquals(0.25f, opt.scalar(0.25, DataType.FLOAT32, manager).getFloat(),
                    "a value still creates its scalar after evictions");
            NDArray w64 = w.toType(DataType.FLOAT64, false);
            NDArray s64 = opt.scalar(0.1, DataType.FLOAT64, manager);
            assertEquals(DataType.FLOAT64, s64.getDataType());
            assertArrayEquals(w64.mul(0.1).toDoubleArray(), w64.mul(s64).toDoubleArray(), 0.0, "a float64 weight");
        }
    }

    @Test
    void plainSgd() {
        // w ← w − 0.1·g
        // 1: [1 − 0.05, −2 − 0.1]       = [0.95, −2.1]
        // 2: [0.95 + 0.1, −2.1 − 0.05]  = [1.05, −2.15]
        // 3: [1.05 − 0.025, −2.15 + 0.05] = [1.025, −2.1]
        try (TorchSgd opt = new TorchSgd(0.1)) {
            assertArrayEquals(new float[] {0.95f, -2.1f}, run(opt, 1), TOL);
        }
        try (TorchSgd opt = new TorchSgd(0.1)) {
            assertArrayEquals(new float[] {1.025f, -2.1f}, run(opt, 3), TOL);
        }
    }

    @Test
    void sgdMomentumStartsTheBufferAtTheFirstGradient() {
        // μ = 0.9
        // 1: b = g1 = [0.5, 1];                         w = [1 − 0.05, −2 − 0.1]        = [0.95, −2.1]
        // 2: b = 0.9·[0.5, 1] + [−1, 0.5] = [−0.55, 1.4]; w = [0.95 + 0.055, −2.1 − 0.14] = [1.005, −2.24]
        // 3: b = 0.9·[−0.55, 1.4] + [0.25, −0.5] = [−0.495 + 0.25, 1.26 − 0.5] = [−0.245, 0.76];
        //    w = [1.005 + 0.0245, −2.24 − 0.076] = [1.0295, −2.316]
        try (TorchSgd opt = new TorchSgd(0.1, 0.9, 0, false, DecayFilter.all())) {
            assertArrayEquals(new float[] {1.0295f, -2.316f}, run(opt, 3), TOL);
            assertEquals(3, opt.steps("w"));
        }
    }

    @Test
    void sgdMomentumWithWeightDecay() {
        // μ = 0.9, wd = 0.01: g ← g + 0.01·w before the buffer
        // 1: g = [0.5 + 0.01, 1 − 0.02] = [0.51, 0.98]; b = [0.51, 0.98]; w = [1 − 0.051, −2 − 0.098] = [0.949, −2.098]
        // 2: g = [−1 + 0.00949, 0.5 − 0.02098] = [−0.99051, 0.47902];
        //    b = [0.459 − 0.99051, 0.882 + 0.47902] = [−0.53151, 1.36102];
        //    w = [0.949 + 0.053151, −2.098 − 0.136102] = [1.002151, −2.234102]
        try (TorchSgd opt = new TorchSgd(0.1, 0.9, 0.01, false, DecayFilter.all())) {
            assertArrayEquals(new float[] {1.002151f, -2.234102f}, run(opt, 2), TOL);
        }
    }

    @Test
    void sgdWeightDecayFilterSkipsExcludedIds() {
        // excluded from decay → same as momentum without decay after 3 steps
        try (TorchSgd opt = new TorchSgd(0.1, 0.9, 0.01, false, id -> !id.equals("w"))) {
            assertArrayEquals(new float[] {1.0295f, -2.316f}, run(opt, 3), TOL);
        }
    }

    @Test
    void sgdNesterov() {
        // μ = 0.9, g ← g + μ·b
        // 1: b = [0.5, 1]; g = [0.5 + 0.45, 1 + 0.9] = [0.95, 1.9]; w = [1 − 0.095, −2 − 0.19] = [0.905, −2.19]
        // 2: b = [−0.55, 1.4]; g = [−1 − 0.495, 0.5 + 1.26] = [−1.495, 1.76];
        //    w = [0.905 + 0.1495, −2.19 − 0.176] = [1.0545, −2.366]
        try (TorchSgd opt = new TorchSgd(0.1, 0.9, 0, true, DecayFilter.all())) {
            assertArrayEquals(new float[] {1.0545f, -2.366f}, run(opt, 2), TOL);
        }
    }

    @Test
    void adamFirstStepMovesByLrTimesSign() {
        // β = (0.9, 0.999), ε = 1e-8
        // m = 0.1·g1 = [0.05, 0.1]; v = 0.001·g1² = [0.00025, 0.001]; bc1 = 0.1, bc2 = 0.001
        // m / bc1 = [0.5, 1]; √v / √bc2 = [0.5, 1]; step = 0.1·[0.5/(0.5 + 1e-8), 1/(1 + 1e-8)] ≈ [0.1, 0.1]
        // w = [0.9, −2.1]
        try (TorchAdam opt = new TorchAdam(0.1)) {
            assertArrayEquals(new float[] {0.9f, -2.1f}, run(opt, 1), TOL);
        }
    }

    @Test
    void adamTwoSteps() {
        // 2: m = 0.9·[0.05, 0.1] + 0.1·[−1, 0.5] = [0.045 − 0.1, 0.09 + 0.05] = [−0.055, 0.14]
        //    v = 0.999·[0.00025, 0.001] + 0.001·[1, 0.25] = [0.00124975, 0.001249]
        //    bc1 = 1 − 0.81 = 0.19; bc2 = 1 − 0.998001 = 0.001999
        //    denom = √v / √bc2 + ε = [√(0.00124975/0.001999), √(0.001249/0.001999)] = [0.79068806, 0.79045077]
        //    w = w − (0.1/0.19)·m/denom = [0.9 − 0.52631579·(−0.055/0.79068806), −2.1 − 0.52631579·(0.14/0.79045077)]
        //      = [0.9 + 0.03661035, −2.1 − 0.09321796] = [0.93661035, −2.19321796]
        try (TorchAdam opt = new TorchAdam(0.1)) {
            assertArrayEquals(new float[] {0.93661035f, -2.19321796f}, run(opt, 2), TOL);
        }
    }

    @Test
    void adamL2DecayEntersTheGradient() {
        // wd = 0.1: g = g1 + 0.1·w0 = [0.6, 0.8]; first step still moves by lr·sign(g) → [0.9, −2.1]
        // wd = 5 flips the sign of the first component: g = [0.5 + 5, 1 − 10] = [5.5, −9] → w = [0.9, −1.9]
        try (TorchAdam opt = new TorchAdam(0.1, 0.9, 0.999, 1e-8, 0.1, false, DecayFilter.all())) {
            assertArrayEquals(new float[] {0.9f, -2.1f}, run(opt, 1), TOL);
        }
        try (TorchAdam opt = new TorchAdam(0.1, 0.9, 0.999, 1e-8, 5, false, DecayFilter.all())) {
            assertArrayEquals(new float[] {0.9f, -1.9f}, run(opt, 1), TOL);
        }
    }

    @Test
    void adamWDecaysTheWeightFirst() {
        // wd = 0.1: w ← w·(1 − 0.1·0.1) = [0.99, −1.98]; then the Adam step of g1 (lr·sign): [0.89, −2.08]
        // 2: w ← [0.89·0.99, −2.08·0.99] = [0.8811, −2.0592]; Adam step as in adamTwoSteps: [+0.03661035, −0.09321796]
        //    → [0.91771035, −2.15241796]
        try (TorchAdam opt = new TorchAdam(0.1, 0.9, 0.999, 1e-8, 0.1, true, DecayFilter.all())) {
            assertArrayEquals(new float[] {0.89f, -2.08f}, run(opt, 1), TOL);
        }
        try (TorchAdam opt = new TorchAdam(0.1, 0.9, 0.999, 1e-8, 0.1, true, DecayFilter.all())) {
            assertArrayEquals(new float[] {0.91771035f, -2.15241796f}, run(opt, 2), TOL);
        }
    }

    @Test
    void learningRateIsReadAtEachStep() {
        // 1 at lr 0.1: [0.95, −2.1]; 2 at lr 0.01: [0.95 + 0.01, −2.1 − 0.005] = [0.96, −2.105]
        try (TorchSgd opt = new TorchSgd(0.1)) {
            NDArray w = manager.create(W0);
            opt.update("w", w, manager.create(G[0]));
            opt.setLearningRate(0.01);
            opt.update("w", w, manager.create(G[1]));
            assertArrayEquals(new float[] {0.96f, -2.105f}, w.toFloatArray(), TOL);
        }
    }

    @Test
    void gradientIsNotModified() {
        // DJL passes the same aggregated gradient to every device copy: it must survive the update
        try (TorchSgd opt = new TorchSgd(0.1, 0.9, 0.01, true, DecayFilter.all())) {
            NDArray w = manager.create(W0);
            NDArray g = manager.create(G[0]);
            opt.update("w", w, g);
            opt.update("w", w, g);
            assertArrayEquals(G[0], g.toFloatArray(), 0f);
        }
    }

    @Test
    void updateAllocatesNothingInTheModelsManager() {
        try (TorchAdam opt = new TorchAdam(0.1, 0.9, 0.999, 1e-8, 0.1, false, DecayFilter.all());
                NDManager model = manager.newSubManager();
                NDManager batch = manager.newSubManager()) {
            NDArray w = model.create(W0);
            w.setRequiresGradient(true); // as a trained parameter is
            NDArray g = batch.create(G[0]);
            model.cap(); // a leak into the model's manager throws
            batch.cap();
            opt.update("w", w, g);
            opt.update("w", w, g);
            assertEquals(2, opt.steps("w"));
        }
    }

    @Test
    void resumedRunIsBitIdenticalToUninterrupted() throws IOException {
        for (int kind = 0; kind < 2; kind++) {
            float[] straight;
            try (TorchOptimizer opt = optimizer(kind)) {
                straight = run(opt, 3);
            }
            byte[] saved;
            float[] w1;
            try (TorchOptimizer opt = optimizer(kind)) {
                w1 = run(opt, 1);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                opt.saveState(new DataOutputStream(bytes));
                saved = bytes.toByteArray();
            }
            try (TorchOptimizer opt = optimizer(kind)) {
                opt.loadState(new DataInputStream(new ByteArrayInputStream(saved)), manager);
                assertEquals(1, opt.steps("w"));
                NDArray w = manager.create(w1);
                for (int t = 1; t < 3; t++) opt.update("w", w, manager.create(G[t]));
                assertArrayEquals(straight, w.toFloatArray(), 0f);
            }
        }
    }

    @Test
    void updateAllIsTheStepOfEachWeightBitForBit() throws IOException {
        TorchOptimizer[][] pairs = new TorchOptimizer[5][];
        for (int k = 0; k < pairs.length; k++) pairs[k] = new TorchOptimizer[] {variant(k), variant(k)};
        for (int k = 0; k < pairs.length; k++) {
            try (TorchOptimizer together = pairs[k][0]; TorchOptimizer each = pairs[k][1];
                    NDManager m = manager.newSubManager()) {
                ai.djl.engine.Engine.getInstance().setRandomSeed(7);
                Shape[] shapes = {new Shape(4, 3, 3, 3), new Shape(4), new Shape(10, 4)};
                java.util.List<ai.djl.util.Pair<String, NDArray>> a = new java.util.ArrayList<>();
                java.util.List<ai.djl.util.Pair<String, NDArray>> b = new java.util.ArrayList<>();
                for (int i = 0; i < shapes.length; i++) {
                    NDArray w = m.randomNormal(shapes[i]);
                    a.add(new ai.djl.util.Pair<>("p" + i, w.duplicate()));
                    b.add(new ai.djl.util.Pair<>("p" + i, w.duplicate()));
                }
                for (var p : a) p.getValue().setRequiresGradient(true);
                for (var p : b) p.getValue().setRequiresGradient(true);
                for (int t = 0; t < 8; t++) { // TorchScript's profiling executor optimises after a few calls
                    double lr = 0.1 / (t + 1); // a schedule: a new rate every step
                    together.setLearningRate(lr);
                    each.setLearningRate(lr);
                    backward(a, t);
                    backward(b, t);
                    together.updateAll(a);
                    for (var p : b) {
                        try (NDArray g = p.getValue().getGradient()) {
                            each.update(p.getKey(), p.getValue(), g);
                        }
                    }
                    for (int i = 0; i < a.size(); i++) {
                        assertArrayEquals(b.get(i).getValue().toFloatArray(), a.get(i).getValue().toFloatArray(), 0f,
                                "variant " + k + ", step " + t + ", weight " + i);
                        try (NDArray g = a.get(i).getValue().getGradient()) {
                            assertEquals(0f, g.abs().sum().getFloat(), "gradient cleared");
                        }
                    }
                }
                assertArrayEquals(saved(each), saved(together), "variant " + k + ": buffers and step counts");
                assertEquals(k < 4 ? 7 : 0, together.fusedSteps(), "variant " + k + ": steps 2-8 in one call");
            }
        }
    }

    /** SGD: momentum, weight decay and Nesterov; the same with the bias exempt; plain; momentum only. Then Adam. */
    private static TorchOptimizer variant(int k) {
        return switch (k) {
            case 0 -> new TorchSgd(0.1, 0.9, 5e-4, true, DecayFilter.all());
            case 1 -> new TorchSgd(0.1, 0.9, 5e-4, false, id -> !id.equals("p1"));
            case 2 -> new TorchSgd(0.1);
            case 3 -> new TorchSgd(0.1, 0.9, 0, false, DecayFilter.all());
            default -> new TorchAdam(0.1, 0.9, 0.999, 1e-8, 0.01, true, DecayFilter.all()); // weight by weight
        };
    }

    /** Accumulates the gradient of Σ_i sum(w_i² · (t + 1) + w_i) into every weight. */
    private static void backward(java.util.List<ai.djl.util.Pair<String, NDArray>> weights, int t) {
        try (NDManager scope = weights.get(0).getValue().getManager().newSubManager();
                ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (var p : weights) {
                NDArray w = p.getValue();
                NDArray term = w.mul(w).mul(t + 1).add(w).sum();
                term.attach(scope);
                loss = loss == null ? term : loss.add(term);
            }
            loss.attach(scope);
            gc.backward(loss);
        }
    }

    private static byte[] saved(TorchOptimizer opt) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        opt.saveState(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static TorchOptimizer optimizer(int kind) {
        return kind == 0
                ? new TorchSgd(0.1, 0.9, 0.01, true, DecayFilter.all())
                : new TorchAdam(0.1, 0.9, 0.999, 1e-8, 0.01, true, DecayFilter.all());
    }

    @Test
    void stateIsKeyedByParameterPathAcrossFreshModels() throws IOException {
        // DJL parameter ids are random per model; bound optimizers save by path, so a rebuilt model resumes
        LinearBlock a = new LinearBlock("fc", 2, 1, Initializer.ONES, Initializer.ZEROS);
        LinearBlock b = new LinearBlock("fc", 2, 1, Initializer.ONES, Initializer.ZEROS);
        a.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 2));
        b.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 2));
        Parameter wa = a.weight();
        Parameter wb = b.weight();
        byte[] saved;
        try (TorchOptimizer opt = new TorchSgd(0.1, 0.9, 0, false, DecayFilter.all()).bindParameterNames(a)) {
            opt.update(wa.getId(), wa.getArray(), manager.create(new float[] {1f, 2f}).reshape(1, 2));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            opt.saveState(new DataOutputStream(bytes));
            saved = bytes.toByteArray();
        }
        try (TorchOptimizer opt = new TorchSgd(0.1, 0.9, 0, false, DecayFilter.all()).bindParameterNames(b)) {
            opt.loadState(new DataInputStream(new ByteArrayInputStream(saved)), manager);
            assertEquals(1, opt.steps(wb.getId()));
            // b = [1, 2] loaded; step 2 with g = [0, 0]: b = 0.9·[1, 2] = [0.9, 1.8]; w = [1 − 0.09, 1 − 0.18]
            opt.update(wb.getId(), wb.getArray(), manager.zeros(new Shape(1, 2)));
            assertArrayEquals(new float[] {0.91f, 0.82f}, wb.getArray().toFloatArray(), TOL);
        }
    }

    @Test
    void loadRejectsAnotherOptimizersState() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TorchOptimizer sgd = new TorchSgd(0.1)) {
            run(sgd, 1);
            sgd.saveState(new DataOutputStream(bytes));
        }
        try (TorchOptimizer adam = new TorchAdam(0.1)) {
            assertThrows(IOException.class, () ->
                    adam.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), manager));
        }
    }

    @Test
    void configsBuildTheirOptimizers() {
        ConfigTypes types = new ConfigTypes();
        OptimizerConfig.register(types);
        assertEquals(SgdConfig.class, types.lookup(OptimizerConfig.class, "sgd"));
        assertEquals(AdamConfig.class, types.lookup(OptimizerConfig.class, "adam"));
        try (TorchOptimizer opt = new SgdConfig("sgd", 0.1, 0.9, false, 0.01, true).create()) {
            // same as sgdMomentumWithWeightDecay
            assertArrayEquals(new float[] {1.002151f, -2.234102f}, run(opt, 2), TOL);
        }
        try (TorchOptimizer opt = new AdamConfig("adam", 0.1, 0.9, 0.999, 1e-8, 0.1, true, true).create()) {
            assertArrayEquals(new float[] {0.89f, -2.08f}, run(opt, 1), TOL);
        }
        var e = assertThrows(ConfigException.class, () -> new SgdConfig("sgd", 0.1, 0, true, 0, true));
        assertEquals("nesterov: Nesterov momentum needs momentum > 0", e.getMessage());
        assertThrows(ConfigException.class, () -> new AdamConfig("adam", 0.1, 1.0, 0.999, 1e-8, 0, false, true));
    }
}
