package org.sparselab.nn;

/**
 * What one layer costs for one sample. Dense counts treat every weight as present; effective counts drop masked
 * weights (non-zeros of the mask) and count only what a deployed form would compute.
 *
 * @param shape human-readable shape, e.g. {@code 16→32 k3 s2 g4}
 * @param groups convolution groups as deployed (1 for non-convolutions)
 * @param density effective / dense parameters, in [0, 1]
 */
public record LayerCost(String shape, int groups, long params, long effectiveParams, long macs, long effectiveMacs) {
    public static LayerCost dense(String shape, int groups, long params, long macs) {
        return new LayerCost(shape, groups, params, params, macs, macs);
    }

    public double density() {
        return params == 0 ? 1.0 : (double) effectiveParams / params;
    }
}
