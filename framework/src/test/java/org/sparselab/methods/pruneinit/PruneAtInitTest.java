package org.sparselab.methods.pruneinit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigLoader;
import org.sparselab.methods.InitContext;
import org.sparselab.methods.InitData;
import org.sparselab.methods.Method;
import org.sparselab.methods.RunInfo;
import org.sparselab.methods.ssc.Ssc;
import org.sparselab.methods.ssc.SscConfig;
import org.sparselab.metrics.Profiler;
import org.sparselab.models.Models;
import org.sparselab.nn.MaskedLayer;

/** Budgets (issue 12 §3): exact counts per layer or in total, equal to an SSC config's, and a model left clean. */
class PruneAtInitTest {
    static PruneAtInitConfig cfg(String yaml) {
        return ConfigLoader.parse(yaml, PruneAtInitConfig.class).config();
    }

    private static final InitData DATA = new InitData() {
        @Override
        public NDList batch(int index, int size, NDManager manager) {
            return new NDList(manager.randomNormal(new Shape(size, 1, 12, 12)),
                    manager.randomInteger(0, 4, new Shape(size), DataType.INT64));
        }

        @Override
        public NDList balancedBatch(int perClass, NDManager manager) {
            long[] y = new long[perClass * 4];
            for (int i = 0; i < y.length; i++) y[i] = i % 4;
            return new NDList(manager.randomNormal(new Shape(y.length, 1, 12, 12)), manager.create(y));
        }

        @Override
        public int numClasses() {
            return 4;
        }
    };

    /** A ResNet-20 pruned by {@code yaml} on 12×12 single-channel input; returns its masked layers. */
    static List<MaskedLayer> prune(String yaml, NDManager m, Block[] model) {
        PruneAtInit method = new PruneAtInit(cfg(yaml));
        Block net = Models.defaults().create("resnet20", method.modelContext(1, 12, 4));
        Engine.getInstance().setRandomSeed(9);
        net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 12, 12));
        RunInfo run = new RunInfo(new Shape(1, 1, 12, 12), Map.of("train", 1), 3);
        method.attach(net, run);
        try (NDManager scope = m.newSubManager()) {
            method.initialise(new InitContext(net, run, DATA, Device.cpu(), scope));
        }
        model[0] = net;
        return collect(net);
    }

    private static List<MaskedLayer> collect(Block net) {
        List<MaskedLayer> out = new java.util.ArrayList<>();
        walk(net, out);
        return out;
    }

    private static void walk(Block b, List<MaskedLayer> out) {
        if (b instanceof MaskedLayer l) out.add(l);
        for (Block c : b.getChildren().values()) walk(c, out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "magnitude", "snip", "grasp", "synflow"})
    void everyCriterionMatchesSscsNonZeroCountExactly(String criterion) {
        String ssc = "{name: ssc, groups: 4, pattern: alt_channel}";
        try (NDManager m = NDManager.newBaseManager()) {
            Block[] model = new Block[1];
            List<MaskedLayer> layers = prune("{name: " + criterion + ", match: " + ssc + ", synflow_iterations: 5, "
                    + "grasp_samples_per_class: 4, score_batch_size: 16}", m, model);
            Method sscMethod = new Ssc(ConfigLoader.parse(ssc, SscConfig.class).config());
            Block sscNet = Models.defaults().create("resnet20", sscMethod.modelContext(1, 12, 4));
            long sscParams = Profiler.profile(sscNet, new Shape(1, 1, 12, 12), m).effectiveParams();
            long pruned = Profiler.profile(model[0], new Shape(1, 1, 12, 12), m).effectiveParams();
            assertEquals(sscParams, pruned, criterion + ": same effective parameters as SSC");
            for (MaskedLayer l : layers) {
                float[] w = l.weight().getArray().toFloatArray();
                float[] mask = l.mask().getArray().toFloatArray();
                for (int i = 0; i < w.length; i++) if (mask[i] == 0) assertEquals(0f, Math.abs(w[i]), l.path());
            }
            for (Pair<String, Parameter> p : model[0].getParameters()) {
                if (!p.getValue().requiresGradient()) continue;
                var g = p.getValue().getArray().getGradient();
                assertEquals(0f, g.abs().sum().getFloat(), criterion + ": no gradient left behind in " + p.getKey());
            }
        }
    }

    @Test
    void layerwiseKeepsEachLayersShareAndScoringLeavesBatchNormAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block[] model = new Block[1];
            List<MaskedLayer> layers = prune("{name: snip, density: 0.3, scope: layerwise, score_batch_size: 16}", m,
                    model);
            for (MaskedLayer l : layers) {
                assertEquals(Math.round(0.3 * l.weightShape().size()), l.keptWeights(), l.path());
            }
            // BN running means start at 0: a training-mode scoring pass would have moved them.
            for (Pair<String, Parameter> p : model[0].getParameters()) {
                if (p.getValue().getType() == Parameter.Type.RUNNING_MEAN) {
                    assertEquals(0f, p.getValue().getArray().abs().sum().getFloat(), p.getKey());
                }
            }
        }
    }

    @Test
    void densityAndMatchAreOneOrTheOther() {
        var e = assertThrows(ConfigException.class, () -> cfg("{name: snip}"));
        assertTrue(e.getMessage().contains("density"), e.getMessage());
        assertThrows(ConfigException.class, () -> cfg("{name: snip, density: 1.5}"));
        assertEquals("layerwise", cfg("{name: random, density: 0.5}").scope());
        assertEquals("global", cfg("{name: snip, density: 0.5}").scope());
        assertEquals(List.of("block"), cfg("{name: grasp, match: {name: ssc}}").layers());
    }
}
