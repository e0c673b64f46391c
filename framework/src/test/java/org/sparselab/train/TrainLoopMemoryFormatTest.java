package org.sparselab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparselab.data.DataConfig;
import org.sparselab.data.DataEnvironment;
import org.sparselab.data.DataModule;
import org.sparselab.nn.Conv2dBlock;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.LinearBlock;
import org.sparselab.nn.MemoryFormat;
import org.sparselab.nn.TorchLayout;
import org.sparselab.train.optim.TorchSgd;
import org.sparselab.train.schedule.LrSchedule;

/**
 * {@code train.memory_format}: with channels-last the loop's input batches reach the first conv in NHWC, training
 * and evaluation alike, the run is deterministic, and it learns what the NCHW run learns up to float rounding.
 */
class TrainLoopMemoryFormatTest {
    /** Three channels: with one, NHWC and NCHW are the same bytes and the layout could not be told apart. */
    static DataModule data() {
        return data(8);
    }

    /** 64 training and 32 test images of 3 × {@code size} × {@code size}, 3 classes. */
    static DataModule data(int size) {
        var base = DataConfig.of("synthetic");
        var cfg = new DataConfig("synthetic", null, 16, 32, 0, null, null, base.augment(), true, null, null, size, 3,
                new DataConfig.Synthetic(64, 32, 3, 0.25, 0), false, 0);
        return DataModule.open(cfg, 1, DataEnvironment.isolated(java.nio.file.Path.of("").toAbsolutePath()));
    }

    /** Whether each array that passed a probe was NCHW-contiguous, in order. */
    static final class Probe {
        final List<Boolean> contiguous = new ArrayList<>();
        final List<String> shapes = new ArrayList<>();

        void clear() {
            contiguous.clear();
            shapes.clear();
        }

        Block block() {
            return new LambdaBlock(in -> {
                shapes.add(in.head().getShape().toString());
                contiguous.add(TorchLayout.contiguous(in.head()));
                return in;
            });
        }
    }

    /** conv–BN–ReLU twice (16 channels: widths this project's engine gets right), pooling, classifier. */
    static SequentialBlock net(Probe input, Probe afterFirstConv) {
        return new SequentialBlock()
                .add(input.block())
                .add(Conv2dBlock.builder().setSpec(ConvSpec.of("stem", ConvSpec.Role.STEM, 3, 16, 3, 1, 1)).build())
                .add(afterFirstConv.block())
                .add(bn())
                .add(Activation::relu)
                .add(Conv2dBlock.builder().setSpec(ConvSpec.of("conv", ConvSpec.Role.BLOCK, 16, 16, 3, 1, 1)).build())
                .add(bn())
                .add(Activation::relu)
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(new LinearBlock("fc", 16, 3));
    }

    private static Block bn() {
        return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
    }

    /** What one training run produced. */
    private record Outcome(List<EpochMetrics> rows, float[] firstWeightsBefore, float[] firstWeightsAfter,
            Probe input, Probe afterFirstConv) {}

    private static Outcome train(MemoryFormat format) throws IOException {
        Probe input = new Probe();
        Probe afterConv = new Probe();
        List<EpochMetrics> rows = new ArrayList<>();
        try (DataModule data = data(); Model model = Model.newInstance("t", Device.cpu())) {
            model.setBlock(net(input, afterConv));
            var phase = new TrainLoop.Phase("a", 2, 16, 0, () -> new TorchSgd(0.1, 0.9, 5e-4, false, id -> true),
                    LrSchedule.constant(0.1));
            var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, List.of(phase), TrainingHooks.NONE,
                    null, "sha", 5, rows::add, TrainingProgress.NONE, format);
            loop.initialize();
            input.clear(); // initialisation traced shapes with NCHW zeros
            afterConv.clear();
            Parameter stem = model.getBlock().getParameters().get(0).getValue();
            float[] before = stem.getArray().toFloatArray();
            loop.run(null);
            return new Outcome(rows, before, stem.getArray().toFloatArray(), input, afterConv);
        }
    }

    @Test
    void channelsLastTwiceGivesIdenticalMetricsAndWeights() throws IOException {
        Outcome a = train(MemoryFormat.CHANNELS_LAST);
        Outcome b = train(MemoryFormat.CHANNELS_LAST);
        assertEquals(4, a.rows().size(), "2 epochs × (train, test)");
        assertEquals(withoutTime(a.rows()), withoutTime(b.rows()), "loss, top-1, top-5 bit for bit");
        assertArrayEquals(a.firstWeightsAfter(), b.firstWeightsAfter());
    }

    @Test
    void channelsLastLearnsWhatNchwLearnsUpToRounding() throws IOException {
        Outcome nchw = train(MemoryFormat.NCHW);
        Outcome cl = train(MemoryFormat.CHANNELS_LAST);
        assertArrayEquals(nchw.firstWeightsBefore(), cl.firstWeightsBefore(), "same seed, same initial weights");
        assertFalse(java.util.Arrays.equals(cl.firstWeightsBefore(), cl.firstWeightsAfter()),
                "gradients reach the first conv's weights through channels-last activations");
        for (int i = 0; i < nchw.rows().size(); i++) {
            EpochMetrics x = nchw.rows().get(i);
            EpochMetrics y = cl.rows().get(i);
            assertEquals(x.split(), y.split());
            // 8 SGD steps with momentum: rounding differences of the conv kernels grow a little, no more.
            assertEquals(x.loss(), y.loss(), 1e-3 * Math.max(1, Math.abs(x.loss())), "loss of " + x);
        }
        float[] w = nchw.firstWeightsAfter();
        float[] v = cl.firstWeightsAfter();
        float largest = 0;
        for (float f : w) largest = Math.max(largest, Math.abs(f));
        for (int i = 0; i < w.length; i++) assertEquals(w[i], v[i], 1e-3 * largest, "stem weight " + i);
    }

    @Test
    void inputReachesTheFirstConvChannelsLastInTrainingAndEvaluation() throws IOException {
        Outcome cl = train(MemoryFormat.CHANNELS_LAST);
        // 2 epochs × (4 training + 2 test batches of 16) forward passes.
        assertEquals(12, cl.input().contiguous.size(), cl.input().shapes.toString());
        assertTrue(cl.input().contiguous.stream().noneMatch(c -> c), "every input NHWC: " + cl.input().contiguous);
        assertTrue(cl.afterFirstConv().contiguous.stream().noneMatch(c -> c), "the conv ran and returned NHWC");
        Outcome nchw = train(MemoryFormat.NCHW);
        assertEquals(12, nchw.input().contiguous.size());
        assertTrue(nchw.input().contiguous.stream().allMatch(c -> c), "NCHW stays NCHW: " + nchw.input().contiguous);
        assertTrue(nchw.afterFirstConv().contiguous.stream().allMatch(c -> c));
    }

    @Test
    void channelsLastBatchesLeaveNothingBehind() throws IOException {
        try (DataModule data = data(); Model model = Model.newInstance("t", Device.cpu())) {
            model.setBlock(net(new Probe(), new Probe()));
            List<Integer> live = new ArrayList<>();
            TrainingProgress probe = new TrainingProgress() {
                @Override
                public void passStarted(String phase, int epoch, String split, int batches) {
                    if (split.equals("train")) live.add(liveArrays());
                }
            };
            var phase = new TrainLoop.Phase("a", 4, 16, 0, () -> new TorchSgd(0.1, 0.9, 0, false, id -> true),
                    LrSchedule.constant(0.1));
            var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, List.of(phase), TrainingHooks.NONE,
                    null, "sha", 5, m -> {}, probe, MemoryFormat.CHANNELS_LAST);
            loop.initialize();
            loop.run(null);
            // Epoch 0 creates the momentum buffers; after that the conversions die with their batch.
            assertEquals(4, live.size());
            assertEquals(live.get(1), live.get(2), live.toString());
            assertEquals(live.get(2), live.get(3), live.toString());
        }
    }

    /** The rows with their wall-clock seconds zeroed: everything a run must reproduce. */
    private static List<EpochMetrics> withoutTime(List<EpochMetrics> rows) {
        return rows.stream().map(m -> new EpochMetrics(m.epoch(), m.phase(), m.split(), m.loss(), m.top1(), m.top5(),
                m.lr(), 0)).toList();
    }

    private static int liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }
}
