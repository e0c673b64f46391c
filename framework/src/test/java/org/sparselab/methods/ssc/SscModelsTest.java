package org.sparselab.methods.ssc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import ai.djl.util.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparselab.methods.Method;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.metrics.Profiler;
import org.sparselab.models.Models;

/**
 * The SSC layer is built by the conv factory for every model family (issue 12 §2): VGG and ResNets convert their
 * spatial convs (plus 1×1 convs as grouped pointwise ones), MobileNetV2 and ShuffleNets their depthwise convs
 * (checkerboard taps); each trains (every parameter gets a gradient) and costs fewer effective weights.
 */
class SscModelsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "vgg16_bn              | {name: ssc}",
        "vgg19_bn              | {name: ssc, pattern: alt_filter}",
        "resnet20              | {name: ssc, channel_mode: shifted}",
        "resnet18              | {name: ssc, implementation: decomposed}",
        "resnet50              | {name: ssc, layers: [block, pointwise]}",  // forward only: see below
        "mobilenet_v2          | {name: ssc, groups: 1, layers: [depthwise]}",
        "shufflenet_v1_g3_x0_5 | {name: ssc, groups: 1, layers: [depthwise], pattern: alt_filter}",
        "shufflenet_v2_x0_5    | {name: ssc, groups: 1, layers: [depthwise]}"})
    void buildsTrainsAndCostsLess(String arch, String yaml) {
        Method ssc = new Ssc(SscConfigs.parse(yaml));
        Block net = Models.defaults().create(arch, ssc.modelContext(3, 16, 10));
        ssc.checkBuilt(net, org.sparselab.methods.RunInfo.inference(new Shape(1, 3, 16, 16)));
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(2, 3, 16, 16);
            net.initialize(m, DataType.FLOAT32, in);
            // libtorch 2.7.1's oneDNN crashes (SIGSEGV in brgemm_convolution_bwd_strided) in the backward pass of any
            // ResNet-50, dense too, on this project's AVX-512 machines (docs/architecture.md): forward only there.
            boolean backward = !arch.equals("resnet50");
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(in)), backward).head();
                assertEquals(new Shape(2, 10), y.getShape());
                if (backward) {
                    gc.backward(y.sum());
                    for (Pair<String, Parameter> p : net.getParameters()) {
                        if (!p.getValue().requiresGradient()) continue;
                        assertNotNull(p.getValue().getArray().getGradient(), p.getKey());
                    }
                }
            }
            ModelProfile profile = Profiler.profile(net, new Shape(1, 3, 16, 16), m);
            assertTrue(profile.effectiveParams() < profile.params(), arch + ": " + profile.effectiveParams());
            assertTrue(profile.effectiveMacs() < profile.macs(), arch + ": " + profile.effectiveMacs());
        }
    }
}
