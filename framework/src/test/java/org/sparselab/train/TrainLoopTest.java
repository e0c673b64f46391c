package org.sparselab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.data.DataConfig;
import org.sparselab.data.DataEnvironment;
import org.sparselab.data.DataModule;
import org.sparselab.nn.Conv2dBlock;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.LinearBlock;
import org.sparselab.train.optim.TorchSgd;
import org.sparselab.train.schedule.LrSchedule;

/** The loop's contract with hooks and memory, on a tiny conv net and synthetic data. */
class TrainLoopTest {
    private static DataModule data() {
        var base = DataConfig.of("synthetic");
        var cfg = new DataConfig("synthetic", null, 16, 32, 0, null, null, base.augment(), true, null, null, 8, 3,
                new DataConfig.Synthetic(64, 32, 1, 0.25, 0), false, 0);
        return DataModule.open(cfg, 1, DataEnvironment.isolated(java.nio.file.Path.of("").toAbsolutePath()));
    }

    private static SequentialBlock net() {
        return new SequentialBlock()
                .add(Conv2dBlock.builder().setSpec(ConvSpec.of("stem", ConvSpec.Role.STEM, 1, 4, 3, 1, 1)).build())
                .add(Activation::relu)
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(new LinearBlock("fc", 4, 3));
    }

    private static TrainLoop.Phase phase(String name, int epochs) {
        return new TrainLoop.Phase(name, epochs, 16, 0, () -> new TorchSgd(0.1, 0.9, 0, false, id -> true),
                LrSchedule.constant(0.1));
    }

    /** Records every hook call. */
    static final class RecordingHooks implements TrainingHooks {
        final List<String> calls = new ArrayList<>();
        boolean gradientsSeen;
        int saved = 41;

        @Override
        public Map<String, NDArray> extraLosses(StepContext ctx) {
            calls.add("extra");
            return Map.of("zero", ctx.manager().zeros(new ai.djl.ndarray.types.Shape()));
        }

        @Override
        public void afterBackward(StepContext ctx) {
            calls.add("backward");
            var w = ctx.model().getParameters().get(0).getValue();
            NDArray g = ctx.parameters().getValue(w, Device.cpu(), true).getGradient();
            gradientsSeen |= g.abs().sum().getFloat() > 0;
        }

        @Override
        public void afterStep(StepContext ctx) {
            calls.add("step");
        }

        @Override
        public void endOfEpoch(EpochContext ctx) {
            calls.add("epoch" + ctx.epoch() + (ctx.lastEpochOfPhase() ? "!" : ""));
            ctx.scalars().put("test.epoch_squared", (double) ctx.epoch() * ctx.epoch());
        }

        @Override
        public MethodState saveState() {
            return MethodState.of("recording", 1, new Saved(++saved));
        }

        @Override
        public void loadState(MethodState state, NDManager manager) throws IOException {
            saved = state.read("recording", 1, Saved.class).count();
        }

        record Saved(int count) {}
    }

    @Test
    void hooksRunInOrderAroundEveryStep() throws IOException {
        try (DataModule data = data(); Model model = Model.newInstance("t", Device.cpu())) {
            model.setBlock(net());
            var hooks = new RecordingHooks();
            List<String> reported = new ArrayList<>();
            MetricsSink sink = new MetricsSink() {
                @Override
                public void epoch(EpochMetrics m) {
                    reported.add(m.split() + m.epoch());
                }

                @Override
                public void scalars(int epoch, String phase, java.util.Map<String, Double> values) {
                    reported.add(phase + epoch + "=" + values);
                }
            };
            var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, List.of(phase("a", 2)), hooks, null,
                    "sha", 5, sink, TrainingProgress.NONE);
            loop.initialize();
            loop.run(null);
            assertEquals(List.of("train0", "test0", "a0={test.epoch_squared=0.0}", "train1", "test1",
                    "a1={test.epoch_squared=1.0}"), reported, "scalars follow each epoch's rows");
            // 64 images / 16 per batch = 4 steps per epoch, each: extra loss → backward hook → step hook.
            List<String> epoch = List.of("extra", "backward", "step", "extra", "backward", "step", "extra", "backward",
                    "step", "extra", "backward", "step");
            List<String> expected = new ArrayList<>(epoch);
            expected.add("epoch0");
            expected.addAll(epoch);
            expected.add("epoch1!");
            assertEquals(expected, hooks.calls);
            assertTrue(hooks.gradientsSeen, "afterBackward sees the gradients");
        }
    }

    @Test
    void resumesOnAThreadOtherThanTheEnginesFirst() throws Exception {
        // PyTorch's grad mode is per thread and on by default: without the loop turning it off, loading the
        // checkpoint's values into leaf parameters fails on a fresh thread (an in-place op on a leaf that requires
        // grad), as in a sweep worker that resumes a run.
        var file = java.nio.file.Files.createTempFile("ckpt", ".bin");
        try (DataModule data = data(); Model model = Model.newInstance("t", Device.cpu())) {
            model.setBlock(net());
            var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, List.of(phase("a", 1)),
                    TrainingHooks.NONE, file, "sha", 5, m -> {}, TrainingProgress.NONE);
            loop.initialize();
            loop.run(null);
        }
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try (DataModule data = data(); Model model = Model.newInstance("t", Device.cpu())) {
                model.setBlock(net());
                var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, List.of(phase("a", 2)),
                        TrainingHooks.NONE, null, "sha", 5, m -> {}, TrainingProgress.NONE);
                loop.initialize();
                assertEquals(2, loop.run(Checkpoint.read(file)).epochs());
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        java.nio.file.Files.deleteIfExists(file);
        if (failure[0] != null) throw new AssertionError("resuming on a second thread failed", failure[0]);
    }

    @Test
    void checkpointCarriesMethodStateAndPosition() throws IOException {
        var file = java.nio.file.Files.createTempFile("ckpt", ".bin");
        try (DataModule data = data(); Model model = Model.newInstance("t", Device.cpu())) {
            model.setBlock(net());
            var hooks = new RecordingHooks();
            var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, List.of(phase("a", 1), phase("b", 2)),
                    hooks, file, "sha", 5, m -> {}, TrainingProgress.NONE);
            loop.initialize();
            var result = loop.run(null);
            assertEquals(3, result.epochs());
            assertEquals(12, result.steps());
            Checkpoint c = Checkpoint.read(file);
            assertEquals(1, c.phaseIndex());
            assertEquals(1, c.epochInPhase());
            assertEquals(2, c.epoch());
            assertEquals(12, c.step());
            assertEquals(44, MethodState.fromBytes(c.methodState()).read("recording", 1, RecordingHooks.Saved.class)
                    .count(), "state written after each of 3 epochs");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void nativeMemoryDoesNotGrowEpochOverEpoch() throws IOException {
        try (DataModule data = data(); Model model = Model.newInstance("t", Device.cpu())) {
            model.setBlock(net());
            List<Integer> live = new ArrayList<>();
            TrainingProgress probe = new TrainingProgress() {
                @Override
                public void passStarted(String phase, int epoch, String split, int batches) {
                    if (split.equals("train")) live.add(liveArrays());
                }
            };
            var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, List.of(phase("a", 4)),
                    TrainingHooks.NONE, null, "sha", 5, m -> {}, probe);
            loop.initialize();
            loop.run(null);
            // Epoch 0 creates the momentum buffers; from then on every batch must free what it allocated.
            assertEquals(4, live.size());
            assertNotEquals(live.get(0), live.get(1));
            assertEquals(live.get(1), live.get(2), live.toString());
            assertEquals(live.get(2), live.get(3), live.toString());
        }
    }

    @Test
    void sameSeedSameModelAndMetrics() throws IOException {
        float[][] weights = new float[2][];
        List<List<EpochMetrics>> rows = List.of(new ArrayList<>(), new ArrayList<>());
        for (int run = 0; run < 2; run++) {
            try (DataModule data = data(); Model model = Model.newInstance("t", Device.cpu())) {
                model.setBlock(net());
                var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, List.of(phase("a", 2)),
                        TrainingHooks.NONE, null, "sha", 5, rows.get(run)::add, TrainingProgress.NONE);
                loop.initialize();
                loop.run(null);
                weights[run] = model.getBlock().getParameters().get(0).getValue().getArray().toFloatArray();
            }
        }
        assertArrayEquals(weights[0], weights[1]);
        for (int i = 0; i < rows.get(0).size(); i++) {
            assertEquals(rows.get(0).get(i).loss(), rows.get(1).get(i).loss());
            assertEquals(rows.get(0).get(i).top1(), rows.get(1).get(i).top1());
        }
    }

    private static int liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }
}
