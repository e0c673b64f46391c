package org.sparselab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.sparselab.data.DataModule;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.nn.MemoryFormat;
import org.sparselab.train.optim.TorchSgd;
import org.sparselab.train.schedule.LrSchedule;

/** {@code train.compile: torchscript} trains exactly what DJL's block-by-block forward trains. */
class TrainLoopCompileTest {
    private record Outcome(List<EpochMetrics> rows, List<float[]> parameters) {}

    private static Outcome train(Supplier<Block> net, ForwardCompile compile, MemoryFormat format) throws IOException {
        List<EpochMetrics> rows = new ArrayList<>();
        try (DataModule data = TrainLoopMemoryFormatTest.data(); Model model = Model.newInstance("t", Device.cpu())) {
            model.setBlock(net.get());
            var phase = new TrainLoop.Phase("a", 2, 16, 0, () -> new TorchSgd(0.1, 0.9, 5e-4, false, id -> true),
                    LrSchedule.constant(0.1));
            var loop = new TrainLoop(model, new Device[] {Device.cpu()}, data, List.of(phase), TrainingHooks.NONE,
                    null, "sha", 5, rows::add, TrainingProgress.NONE, format).compileForward(compile);
            loop.initialize();
            loop.run(null);
            List<float[]> params = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) params.add(p.getValue().getArray().toFloatArray());
            return new Outcome(rows.stream().map(m -> new EpochMetrics(m.epoch(), m.phase(), m.split(), m.loss(),
                    m.top1(), m.top5(), m.lr(), 0)).toList(), params);
        }
    }

    private static void assertSame(Outcome a, Outcome b) {
        assertEquals(4, a.rows().size(), "2 epochs × (train, test)");
        assertEquals(a.rows(), b.rows(), "loss, top-1, top-5 bit for bit");
        assertEquals(a.parameters().size(), b.parameters().size());
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(a.parameters().get(i), b.parameters().get(i), 0f, "parameter " + i);
        }
    }

    @Test
    void aCompiledResNetTrainsBitForBitWhatDjlTrains() throws IOException {
        Supplier<Block> resnet = () -> Models.defaults().create("resnet20", ModelContext.dense(3, 32, 3));
        for (MemoryFormat format : MemoryFormat.values()) {
            assertSame(train(resnet, ForwardCompile.NONE, format), train(resnet, ForwardCompile.TORCHSCRIPT, format));
        }
    }

    @Test
    void aModelWithoutATorchScriptFormTrainsOnDjlsPath() throws IOException {
        // DJL's own BatchNorm and a ReLU lambda: not compilable, so the loop keeps DJL's forward
        Supplier<Block> net = () -> TrainLoopMemoryFormatTest.net(new TrainLoopMemoryFormatTest.Probe(),
                new TrainLoopMemoryFormatTest.Probe());
        assertSame(train(net, ForwardCompile.NONE, MemoryFormat.NCHW),
                train(net, ForwardCompile.TORCHSCRIPT, MemoryFormat.NCHW));
    }
}
