package org.sparselab.methods.dynshuffle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.metrics.Profiler;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ShuffleFactory;

/**
 * The abstract's "negligible extra computation and memory", as budgets on the profiler's counts: the default
 * (compact) dynamic shuffle adds at most 5 % parameters and 3 % inference MACs to the fixed-shuffle ShuffleNet V1 and
 * V2 at 0.5× and 1.0×, on CIFAR-sized (3×32×32) and Fashion-MNIST-sized (1×28×28) inputs with 10 classes.
 */
class DynShuffleCostTest {
    /** The profile of {@code arch} with dynamic shuffle as {@code methodYaml} says, or the fixed one when null. */
    static ModelProfile profile(String arch, String methodYaml, int channels, int size) {
        ShuffleFactory shuffles = methodYaml == null ? ShuffleFactory.fixed()
                : new DynShuffle(DynamicShuffleTest.cfg(methodYaml)).shuffleFactory();
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = Models.defaults().create(arch, new ModelContext(channels, size, 10, ConvFactory.dense(),
                    shuffles));
            Shape input = new Shape(1, channels, size, size);
            net.initialize(m, DataType.FLOAT32, input);
            return Profiler.profile(net, input, m);
        }
    }

    @ParameterizedTest
    @CsvSource({"shufflenet_v2_x0_5, 3, 32", "shufflenet_v2_x1_0, 3, 32", "shufflenet_v1_g3_x0_5, 3, 32",
        "shufflenet_v1_g3_x1_0, 3, 32", "shufflenet_v2_x0_5, 1, 28", "shufflenet_v2_x1_0, 1, 28",
        "shufflenet_v1_g3_x0_5, 1, 28", "shufflenet_v1_g3_x1_0, 1, 28", "shufflenet_v1_g8_x0_5, 3, 32",
        "shufflenet_v1_g8_x1_0, 3, 32", "shufflenet_v1_g2_x0_5, 3, 32", "shufflenet_v1_g4_x1_0, 3, 32"})
    void theCompactDynamicShuffleIsWithinFivePercentParamsAndThreePercentMacs(String arch, int channels, int size) {
        ModelProfile fixed = profile(arch, null, channels, size);
        ModelProfile dynamic = profile(arch, "", channels, size);
        ModelProfile wide = profile(arch, "layout: group_blocks\n", channels, size);
        double params = (double) dynamic.effectiveParams() / fixed.effectiveParams() - 1;
        double macs = (double) dynamic.effectiveMacs() / fixed.effectiveMacs() - 1;
        String line = String.format(Locale.ROOT, "%s %dx%dx%d: +%.2f %% params (group_blocks +%.2f %%), +%.2f %% "
                + "inference MACs (group_blocks +%.2f %%)", arch, channels, size, size, 100 * params,
                100.0 * wide.effectiveParams() / fixed.effectiveParams() - 100, 100 * macs,
                100.0 * wide.effectiveMacs() / fixed.effectiveMacs() - 100);
        System.out.println(line);
        assertTrue(params <= 0.05, line);
        assertTrue(macs <= 0.03, line);
        assertTrue(params > 0 && macs > 0, "the generators are counted: " + line);
    }
}
