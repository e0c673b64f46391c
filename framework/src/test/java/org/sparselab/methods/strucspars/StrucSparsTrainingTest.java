package org.sparselab.methods.strucspars;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.data.DataConfig;
import org.sparselab.data.DataEnvironment;
import org.sparselab.data.DataModule;
import org.sparselab.methods.RunInfo;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.LinearBlock;
import org.sparselab.train.EpochContext;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.MetricsSink;
import org.sparselab.train.TrainLoop;
import org.sparselab.train.TrainingProgress;
import org.sparselab.train.optim.TorchSgd;
import org.sparselab.train.schedule.LrSchedule;

/** The penalty's semantics and the masks through training, on a tiny two-conv net (spec §6 tests 6 and 12). */
class StrucSparsTrainingTest {
    private static final Shape SAMPLE = new Shape(1, 1, 8, 8);

    private static DataModule data(int batch) {
        var base = DataConfig.of("synthetic");
        var cfg = new DataConfig("synthetic", null, batch, 32, 0, null, null, base.augment(), true, null, null, 8, 3,
                new DataConfig.Synthetic(64, 32, 1, 0.25, 0), false, 0);
        return DataModule.open(cfg, 1, DataEnvironment.isolated(Path.of("").toAbsolutePath()));
    }

    private static Block net(ConvFactory convs) {
        return new SequentialBlock()
                .add(convs.conv(ConvSpec.of("stem", ConvSpec.Role.STEM, 1, 8, 3, 1, 1)))
                .add(Activation::relu)
                .add(convs.conv(ConvSpec.of("b.conv1", ConvSpec.Role.BLOCK, 8, 16, 3, 1, 1)))
                .add(Activation::relu)
                .add(convs.conv(ConvSpec.of("b.conv2", ConvSpec.Role.BLOCK, 16, 8, 1, 1, 1)))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(new LinearBlock("fc", 8, 3));
    }

    private static TrainLoop.Phase phase(String name, int epochs, int batch, double momentum, double wd) {
        return new TrainLoop.Phase(name, epochs, batch, 0, () -> new TorchSgd(0.1, momentum, wd, false, id -> true),
                LrSchedule.constant(0.1));
    }

    /** Trains {@code phases} with a fresh method from {@code yaml}; returns the method after training. */
    private static StrucSpars train(String yaml, List<TrainLoop.Phase> phases, int batch, MetricsSink sink,
            Map<String, float[]> weightsOut) throws IOException {
        StrucSpars method = (StrucSpars) StrucSparsConfigs.parse(yaml).create();
        try (DataModule data = data(batch); Model model = Model.newInstance("t", Device.cpu())) {
            model.setBlock(net(method.convFactory()));
            // Weights after the first optimizer step (before any end-of-phase masking) go to weightsOut.
            var spy = new Spy(method) {
                @Override
                public void afterStep(org.sparselab.train.StepContext ctx) {
                    super.afterStep(ctx);
                    if (weightsOut != null && ctx.step() == 0) {
                        for (GroupableLayer l : method.layers()) {
                            weightsOut.put(l.path(), l.conv().weight().getArray().toFloatArray());
                            weightsOut.put(l.path() + "@penalty", toFloat(l.penaltyMatrix()));
                        }
                    }
                }
            };
            var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, phases, spy, null, "sha", 5, sink,
                    TrainingProgress.NONE);
            loop.initialize();
            Map<String, Integer> epochs = new LinkedHashMap<>();
            for (TrainLoop.Phase p : phases) epochs.put(p.name(), p.epochs());
            method.attach(model.getBlock(), new RunInfo(SAMPLE, epochs, 5));
            if (weightsOut != null) {
                for (GroupableLayer l : method.layers()) {
                    weightsOut.put(l.path() + "@start", l.conv().weight().getArray().toFloatArray());
                }
            }
            loop.run(null);
            if (weightsOut != null) {
                for (GroupableLayer l : method.layers()) {
                    weightsOut.put(l.path() + "@end", l.conv().weight().getArray().toFloatArray());
                }
            }
        }
        return method;
    }

    private static float[] toFloat(double[][] m) {
        float[] f = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) f[i * m[0].length + j] = (float) m[i][j];
        return f;
    }

    @Test
    void oneStepPenaltyIsLrTimesLambdaTimesSignTimesRgWhateverTheBatchSize() throws IOException {
        // One step (one batch of 64) without momentum: the weights differ from a λ = 0 run by exactly
        // lr·λ·sign(W0)·R_orig (P/Q from the initial update are identical in both runs; λ is not divided by 64).
        String common = "{name: strucspars, warmup_epochs: 0, pq_epoch_iters: 0, delta_lambda: 0, ";
        Map<String, float[]> with = new LinkedHashMap<>();
        Map<String, float[]> without = new LinkedHashMap<>();
        List<TrainLoop.Phase> one = List.of(phase("sparsify", 1, 64, 0, 0));
        train(common + "initial_lambda: 0.01}", one, 64, m -> {}, with);
        train(common + "initial_lambda: 0.0}", one, 64, m -> {}, without);
        for (String path : List.of("b.conv1", "b.conv2")) {
            float[] w0 = with.get(path + "@start");
            float[] a = with.get(path);
            float[] b = without.get(path);
            float[] r = with.get(path + "@penalty");
            int k2 = w0.length / r.length;
            double worst = 0;
            for (int i = 0; i < w0.length; i++) {
                double expected = -0.1 * 0.01 * Math.signum(w0[i]) * r[i / k2];
                worst = Math.max(worst, Math.abs((a[i] - b[i]) - expected));
            }
            assertTrue(worst < 1e-6, path + ": worst deviation " + worst);
            assertTrue(max(r) > 0, "the penalty matrix is not all zero");
        }
    }

    @Test
    void permutationsRefreshEveryNStepsWhenAsked() throws IOException {
        // 64 images / batch 16 = 4 steps per epoch, 2 epochs: the initial update, one every 3 steps (steps 3 and 6
        // of 8, counted in the phase), none per epoch.
        String yaml = "{name: strucspars, pq_epoch_iters: 0, pq_step_interval: 3, pq_step_iters: 2}";
        StrucSpars m = train(yaml, List.of(phase("sparsify", 2, 16, 0.9, 0)), 16, x -> {}, null);
        assertEquals(3, m.permutationUpdates());
        StrucSpars perEpoch = train("{name: strucspars, pq_epoch_iters: 4}", List.of(phase("sparsify", 2, 16, 0.9, 0)),
                16, x -> {}, null);
        assertEquals(3, perEpoch.permutationUpdates(), "initial + one per epoch");
    }

    @Test
    void gradientAndLossModesGiveTheSameUpdateThroughMomentum() throws IOException {
        String common = "{warmup_epochs: 0, initial_lambda: 0.02, delta_lambda: 0.001, target_sparsity: 0.5, ";
        List<TrainLoop.Phase> phases = List.of(phase("sparsify", 2, 16, 0.9, 0));
        Map<String, float[]> grad = new LinkedHashMap<>();
        Map<String, float[]> loss = new LinkedHashMap<>();
        train(common + "name: strucspars, penalty_mode: gradient}", phases, 16, m -> {}, grad);
        train(common + "name: strucspars, penalty_mode: loss}", phases, 16, m -> {}, loss);
        for (String path : List.of("b.conv1", "b.conv2")) {
            float[] a = grad.get(path + "@end");
            float[] b = loss.get(path + "@end");
            double worst = 0;
            for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
            assertTrue(worst < 2e-5, path + ": modes differ by " + worst);
            assertTrue(!java.util.Arrays.equals(a, grad.get(path + "@start")), "weights moved");
        }
    }

    @Test
    void masksHoldAndPermutationsFreezeDuringFinetune() throws IOException {
        Map<String, int[][]> atMasking = new LinkedHashMap<>();
        List<String> scalarsSeen = new ArrayList<>();
        MetricsSink sink = new MetricsSink() {
            @Override
            public void epoch(EpochMetrics m) {}

            @Override
            public void scalars(int epoch, String phase, Map<String, Double> values) {
                scalarsSeen.add(phase + epoch + ":" + values.keySet());
            }
        };
        // Snapshot P, Q and levels when masking happens by wrapping the last sparsify epoch's hook.
        String yaml = "{name: strucspars, warmup_epochs: 0, initial_lambda: 0.01, target_sparsity: 0.5, "
                + "sparsity_metric: params}";
        StrucSpars method = (StrucSpars) StrucSparsConfigs.parse(yaml).create();
        List<TrainLoop.Phase> phases = List.of(phase("sparsify", 2, 16, 0.9, 0), phase("finetune", 2, 16, 0.9, 1e-3));
        try (DataModule data = data(16); Model model = Model.newInstance("t", Device.cpu())) {
            model.setBlock(net(method.convFactory()));
            var hooks = new Spy(method) {
                @Override
                public void endOfEpoch(EpochContext ctx) {
                    super.endOfEpoch(ctx);
                    if (ctx.phase().equals("sparsify") && ctx.lastEpochOfPhase()) {
                        for (GroupableLayer l : method.layers()) {
                            atMasking.put(l.path(), new int[][] {l.p(), l.q(), {l.level()}});
                        }
                    }
                }
            };
            var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, phases, hooks, null, "sha", 5, sink,
                    TrainingProgress.NONE);
            loop.initialize();
            method.attach(model.getBlock(), new RunInfo(SAMPLE, Map.of("sparsify", 2, "finetune", 2), 5));
            loop.run(null);
            assertTrue(method.masked());
            int grouped = 0;
            for (GroupableLayer l : method.layers()) {
                int[][] snap = atMasking.get(l.path());
                assertArrayEquals(snap[0], l.p(), "P frozen");
                assertArrayEquals(snap[1], l.q(), "Q frozen");
                assertEquals(snap[2][0], l.level(), "level frozen");
                float[] w = l.conv().weight().getArray().toFloatArray();
                float[] mask = l.conv().mask().getArray().toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    if (mask[i] == 0) assertTrue(w[i] == 0f, "masked weight " + i + " of " + l.path() + " is exactly 0");
                }
                if (l.groups() > 1) grouped++;
            }
            assertTrue(grouped > 0, "the 50% params target grouped at least one layer");
        }
        assertEquals(2, scalarsSeen.size(), "scalars only in the sparsify phase: " + scalarsSeen);
        assertTrue(scalarsSeen.get(0).contains("strucspars.sparsity") && scalarsSeen.get(0).contains("strucspars.lambda")
                && scalarsSeen.get(0).contains("strucspars.groups.b.conv1"), scalarsSeen.get(0));
        assertTrue(scalarsSeen.get(1).contains("strucspars.threshold"), "masking reported: " + scalarsSeen.get(1));
    }

    @Test
    void nativeMemoryDoesNotGrowThroughSparsifyAndFinetune() throws IOException {
        // Every hook runs: penalty after backward, sub-epoch λ steps, per-epoch P/Q, masking, masked fine-tuning.
        StrucSpars method = (StrucSpars) StrucSparsConfigs.parse("{name: strucspars, warmup_epochs: 0, "
                + "initial_lambda: 0.01, lambda_interval: 0.25, target_sparsity: 0.5, sparsity_metric: params}")
                .create();
        List<TrainLoop.Phase> phases = List.of(phase("sparsify", 3, 16, 0.9, 0), phase("finetune", 3, 16, 0.9, 1e-3));
        List<Integer> live = new ArrayList<>();
        TrainingProgress probe = new TrainingProgress() {
            @Override
            public void passStarted(String phase, int epoch, String split, int batches) {
                if (split.equals("train")) live.add(liveArrays());
            }
        };
        try (DataModule data = data(16); Model model = Model.newInstance("t", Device.cpu())) {
            model.setBlock(net(method.convFactory()));
            var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, phases, new Spy(method), null, "sha", 5,
                    m -> {}, probe);
            loop.initialize();
            method.attach(model.getBlock(), new RunInfo(SAMPLE, Map.of("sparsify", 3, "finetune", 3), 5));
            loop.run(null);
        }
        // Epoch 0 of each phase creates its optimizer's momentum buffers; after that every step frees what it made.
        assertEquals(6, live.size());
        assertEquals(live.get(1), live.get(2), "sparsify: " + live);
        assertEquals(live.get(4), live.get(5), "finetune: " + live);
    }

    private static int liveArrays() {
        try (ai.djl.ndarray.NDManager probe = ai.djl.ndarray.NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    private static float max(float[] a) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : a) m = Math.max(m, v);
        return m;
    }

    /** Passes every hook through to the method; tests override one to look at the state around it. */
    private static class Spy implements org.sparselab.train.TrainingHooks {
        final StrucSpars method;

        Spy(StrucSpars method) {
            this.method = method;
        }

        @Override
        public Map<String, ai.djl.ndarray.NDArray> extraLosses(org.sparselab.train.StepContext ctx) {
            return method.extraLosses(ctx);
        }

        @Override
        public void afterBackward(org.sparselab.train.StepContext ctx) {
            method.afterBackward(ctx);
        }

        @Override
        public void afterStep(org.sparselab.train.StepContext ctx) {
            method.afterStep(ctx);
        }

        @Override
        public void endOfEpoch(EpochContext ctx) {
            method.endOfEpoch(ctx);
        }
    }
}
