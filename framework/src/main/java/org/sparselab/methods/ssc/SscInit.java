package org.sparselab.methods.ssc;

import java.util.List;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.ElementwiseInit;

/**
 * The weight initialisation of an SSC layer, identical for the masked and the decomposed form
 * ({@code docs/methods/ssc.md} §3.4): a named initializer with its fan taken from the dense layer
 * ({@code dense_fan}: the dense layer's draw, then masked — pruning-at-initialisation practice) or from the
 * non-zeros the mask leaves ({@code nonzero_fan}: per filter for fan-in rules, per input channel for fan-out).
 */
final class SscInit {
    static final List<String> RULES = List.of("dense_fan", "nonzero_fan");
    static final List<String> INITIALIZERS = List.of("kaiming_normal_fan_out", "kaiming_normal_fan_in",
            "torch_default");

    private SscInit() {}

    /** Per-weight scales (std, or bound for {@code torch_default}) for {@code spec}'s dense weight under {@code mask}. */
    static ElementwiseInit of(ConvSpec spec, float[] mask, String rule, String initializer) {
        int n = spec.out();
        int cl = spec.in() / spec.groups();
        int k2 = spec.kernel() * spec.kernel();
        boolean fanOut = initializer.equals("kaiming_normal_fan_out");
        boolean nonzero = rule.equals("nonzero_fan");
        // Fans: fan_out counts, per input channel, the filters × taps reading it; fan_in, per filter, channels × taps.
        double[] fanOfFilter = new double[n];
        double[] fanOfChannel = new double[cl];
        for (int o = 0; o < n; o++) {
            for (int c = 0; c < cl; c++) {
                for (int t = 0; t < k2; t++) {
                    double kept = nonzero ? mask[(o * cl + c) * k2 + t] : 1;
                    fanOfFilter[o] += kept;
                    fanOfChannel[c] += kept;
                }
            }
        }
        float[] scale = new float[mask.length];
        for (int o = 0; o < n; o++) {
            for (int c = 0; c < cl; c++) {
                double fan = Math.max(1, fanOut ? fanOfChannel[c] : fanOfFilter[o]);
                // kaiming_normal: std = √(2/fan); torch's Conv2d default (kaiming_uniform, a = √5): bound = 1/√fan_in.
                float s = (float) (initializer.equals("torch_default") ? 1 / Math.sqrt(fan) : Math.sqrt(2 / fan));
                for (int t = 0; t < k2; t++) scale[(o * cl + c) * k2 + t] = s;
            }
        }
        return new ElementwiseInit(scale, initializer.equals("torch_default"));
    }
}
