package org.sparselab.methods.cci;

/**
 * A cycle model of the output-stationary dataflow CCI is designed for ({@code docs/methods/cci.md} §1.2): an array of
 * P processing elements, each owning one output channel; output channels are processed in waves of P. For every output
 * pixel, kernel tap and group of g input channels, the g activations are fetched once and broadcast to the wave, and
 * each PE does one MAC per cycle on the weights it holds for that group (a g:1 multiplexer picks the activation). A
 * wave moves to the next group when its slowest PE is done, so
 *
 * <pre>cycles = H'·W' · Σ_waves Σ_taps Σ_groups max_{PE in wave} nnz(PE, tap, group)</pre>
 *
 * <p>Dense: every PE does g per group; CCI: exactly k everywhere (no imbalance); unstructured: whatever its real mask
 * holds, the wave waiting for the fullest PE; a filter-pruned layer is a dense one with fewer channels. Utilisation =
 * useful MACs ÷ (cycles · P). Traffic: weights as stored (dense g·b, CCI's (val, idx), CSR for unstructured) once per
 * layer; activations g·b per (pixel, tap, group, wave), as fetched for each wave.
 */
public final class CycleModel {
    private CycleModel() {}

    /** One layer's numbers. */
    public record Result(long cycles, long macs, double utilisation, long weightBits, long activationBits) {
        Result plus(Result o) {
            long c = cycles + o.cycles;
            long m = macs + o.macs;
            return new Result(c, m, 0, weightBits + o.weightBits, activationBits + o.activationBits);
        }

        Result withUtilisation(int pes) {
            return new Result(cycles, macs, cycles == 0 ? 0 : (double) macs / ((double) cycles * pes), weightBits,
                    activationBits);
        }
    }

    /**
     * The layer with weight mask {@code mask} (out, in, taps), computed at {@code positions} output pixels.
     *
     * @param weightBits the storage of its weights (a format's bits)
     */
    public static Result layer(float[] mask, int out, int in, int taps, long positions, int g, int pes,
            int valueBits, long weightBits) {
        int groups = (in + g - 1) / g; // a tail group of fewer channels still takes a fetch
        int waves = (out + pes - 1) / pes;
        long perPixel = 0;
        long macs = 0;
        for (int wave = 0; wave < waves; wave++) {
            for (int t = 0; t < taps; t++) {
                for (int j = 0; j < groups; j++) {
                    int slowest = 0;
                    for (int o = wave * pes; o < Math.min(out, (wave + 1) * pes); o++) {
                        int work = 0;
                        for (int c = j * g; c < Math.min(in, (j + 1) * g); c++) {
                            if (mask[(o * in + c) * taps + t] != 0) work++;
                        }
                        slowest = Math.max(slowest, work);
                        macs += work;
                    }
                    perPixel += slowest;
                }
            }
        }
        long activations = (long) waves * taps * groups * g * valueBits * positions;
        return new Result(perPixel * positions, macs * positions, 0, weightBits, activations).withUtilisation(pes);
    }

    /** Sums layer results into a model total (utilisation recomputed over the total). */
    public static Result total(Iterable<Result> layers, int pes) {
        Result sum = new Result(0, 0, 0, 0, 0);
        for (Result r : layers) sum = sum.plus(r);
        return sum.withUtilisation(pes);
    }
}
