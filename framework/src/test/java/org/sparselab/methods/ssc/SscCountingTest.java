package org.sparselab.methods.ssc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparselab.config.ConfigLoader;
import org.sparselab.methods.Method;
import org.sparselab.metrics.LayerRow;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.metrics.Profiler;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.nn.Conv2dBlock;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.ShuffleFactory;

/**
 * Spec §7 test 4: the profiler reproduces every row of the CIFAR VGG-16 table of spec §1.4 (13 convs, no bias,
 * 32×32 input, first conv dense in the variants) from the masks the SSC method really builds; the last row is the
 * two-layer depthwise-separable composition, built by a conv factory of its own.
 */
class SscCountingTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "dense 3×3                                  |                                                                 | 14.710 | 313.20",
        "ODD/EVEN checkerboard                      | {name: ssc, groups: 1, pattern: alt_channel, pointwise_complement: false} | 7.356 | 157.48",
        "HetConv P=4                                | {name: ssc, groups: 4, channel_mode: shifted, pattern: full}      | 4.905 | 105.58",
        "HetConv P=4 with ODD/EVEN                  | {name: ssc, groups: 4, pattern: alt_channel}                       | 3.066 | 66.65",
        "grouped G=4                                | {name: ssc, groups: 4, pattern: full, pointwise_complement: false} | 3.679 | 79.63",
        "depthwise 3×3 + pointwise                  | separable                                                          | 1.669 | 38.01"})
    void vgg16TableOfTheSpec(String row, String method, double paramsM, double macsM) {
        ConvFactory convs;
        if (method == null) {
            convs = ConvFactory.dense();
        } else if (method.equals("separable")) {
            convs = spec -> spec.role() == ConvSpec.Role.STEM ? ConvFactory.dense().conv(spec) : new SequentialBlock()
                    .add(Conv2dBlock.builder().setSpec(new ConvSpec(spec.path() + ".dw", spec.role(), spec.in(),
                            spec.in(), 3, 1, 1, 1, spec.in(), false)).build())
                    .add(Conv2dBlock.builder().setSpec(new ConvSpec(spec.path() + ".pw", spec.role(), spec.in(),
                            spec.out(), 1, 1, 0, 1, 1, false)).build());
        } else {
            Method ssc = SscConfigs.parse(method).create();
            convs = ssc.convFactory();
        }
        Block vgg = Models.defaults().create("vgg16_bn", new ModelContext(3, 32, 10, convs, ShuffleFactory.fixed()));
        try (NDManager m = NDManager.newBaseManager()) {
            ModelProfile p = Profiler.profile(vgg, new Shape(1, 3, 32, 32), m);
            long params = 0;
            long macs = 0;
            for (LayerRow r : p.layers()) {
                if (!r.kind().equals("conv")) continue;
                long bias = r.path().endsWith(".dw") || r.path().endsWith(".pw") ? 0 : r.outputShape().get(1);
                params += r.effectiveParams() - bias; // the table counts weights: VGG's conv biases excluded
                macs += r.effectiveMacs();
            }
            assertEquals(paramsM, Math.round(params / 1e3) / 1e3, 1e-9, row + ": conv params (M), exact " + params);
            assertEquals(macsM, Math.round(macs / 1e4) / 1e2, 1e-9, row + ": conv MACs (M), exact " + macs);
        }
    }
}
