package org.sparselab.methods.cci;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.sparselab.methods.masking.WeightTransfer;
import org.sparselab.nn.BatchNorm2d;
import org.sparselab.nn.Conv2dBlock;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.LinearBlock;
import org.sparselab.nn.MaskedConv2d;
import org.sparselab.nn.MaskedLayer;
import org.sparselab.nn.MaskedLinear;

/**
 * The deployment forms of the CCI pipeline's methods, each with its storage and cycle-model numbers computed from the
 * trained masks ({@link CycleModel}, {@link CciCodec}):
 *
 * <ul>
 *   <li>{@code cci}: every layer encoded to its (val, idx) bytes and decoded back into the deployed model (so the
 *       deployed logits come from the compressed form; they equal the trained ones bit for bit). On a CPU this runs as
 *       a dense conv on the decoded weights: no speedup, said plainly in the report.
 *   <li>{@code unstructured}: dense convs on W ⊙ M, counted by their non-zeros; storage as CSR.
 *   <li>{@code filter_pruning}: the pruned filters really removed — each block's conv1 thinned, its BatchNorm sliced,
 *       conv2 reading only the kept channels.
 * </ul>
 */
final class CciExport {
    private CciExport() {}

    record Result(Block deployed, Map<String, Object> report) {}

    static Result compressed(Block trained, List<MaskedLayer> layers, CciConfig cfg,
            Function<ConvFactory, Block> rebuild, Shape input, ToLongFunction<String> positions) {
        Map<String, float[]> decoded = new HashMap<>();
        long bytes = 0;
        for (MaskedLayer l : layers) {
            int[] dims = dims(l);
            byte[] enc = CciCodec.encode(WeightTransfer.maskedWeight(l.weight(), l.mask()),
                    l.mask().getArray().toFloatArray(), dims[0], dims[1], dims[2], cfg.groupSize(), cfg.keepPerGroup());
            bytes += enc.length;
            decoded.put(l.path(), CciCodec.decode(enc));
        }
        Block deployed = denseForm(trained, layers, rebuild, input, decoded);
        Map<String, Object> report = report(layers, cfg, positions, "cci");
        report.put("compressed_bytes_float32", bytes);
        report.put("cpu_form", "dense convs on the decoded weights: the CPU has no CCI kernel, so no speedup");
        return new Result(deployed, report);
    }

    static Result unstructured(Block trained, List<MaskedLayer> layers, CciConfig cfg,
            Function<ConvFactory, Block> rebuild, Shape input, ToLongFunction<String> positions) {
        Map<String, float[]> weights = new HashMap<>();
        for (MaskedLayer l : layers) weights.put(l.path(), WeightTransfer.maskedWeight(l.weight(), l.mask()));
        Map<String, Object> report = report(layers, cfg, positions, "csr");
        report.put("cpu_form", "dense convs on W ⊙ M: no speedup on a CPU");
        return new Result(denseForm(trained, layers, rebuild, input, weights), report);
    }

    /** The architecture rebuilt with plain dense convs (and linear layers) holding {@code weights} for the masked ones. */
    private static Block denseForm(Block trained, List<MaskedLayer> layers, Function<ConvFactory, Block> rebuild,
            Shape input, Map<String, float[]> weights) {
        Block deployed = rebuild.apply(spec -> Conv2dBlock.builder().setSpec(spec).optSparseCost(true).build());
        NDManager manager = layers.get(0).weight().getArray().getManager();
        deployed.initialize(manager, DataType.FLOAT32, input);
        WeightTransfer.copy(trained, deployed, (from, to) -> {
            if (from instanceof MaskedConv2d m && to instanceof Conv2dBlock d && weights.containsKey(m.path())) {
                d.weight().getArray().set(weights.get(m.path()));
                copyBias(from, to);
                return true;
            }
            if (from instanceof MaskedLinear m && to instanceof LinearBlock d && weights.containsKey(m.path())) {
                d.weight().getArray().set(weights.get(m.path()));
                copyBias(from, to);
                return true;
            }
            return false;
        });
        return deployed;
    }

    private static void copyBias(Block from, Block to) {
        if (!from.getDirectParameters().contains("bias")) return;
        to.getDirectParameters().get("bias").getArray().set(from.getDirectParameters().get("bias").getArray()
                .toByteBuffer());
    }

    /**
     * Filter pruning's deployed model: conv1 of each pair keeps only its kept filters (rows), the BatchNorm after it
     * only those channels, conv2 only those input channels; everything else is copied as it is.
     */
    static Result filtersRemoved(Block trained, List<MaskedLayer> layers, Map<String, String> pairs, CciConfig cfg,
            Function<ConvFactory, Block> rebuild, Shape input, ToLongFunction<String> positions) {
        Map<String, int[]> kept = new HashMap<>(); // conv1 path → kept filters; conv2 path → the same
        for (MaskedLayer l : layers) {
            if (!pairs.containsKey(l.path())) continue;
            float[] m = l.mask().getArray().toFloatArray();
            int filters = (int) l.weightShape().get(0);
            int per = m.length / filters;
            List<Integer> k = new ArrayList<>();
            for (int f = 0; f < filters; f++) if (m[f * per] != 0) k.add(f);
            int[] idx = k.stream().mapToInt(Integer::intValue).toArray();
            kept.put(l.path(), idx);
            kept.put(pairs.get(l.path()), idx);
        }
        Block deployed = rebuild.apply(spec -> {
            int[] k = kept.get(spec.path());
            if (k == null) return ConvFactory.dense().conv(spec);
            boolean first = pairs.containsKey(spec.path());
            ConvSpec thin = new ConvSpec(spec.path(), spec.role(), first ? spec.in() : k.length,
                    first ? k.length : spec.out(), spec.kernel(), spec.stride(), spec.padding(), spec.dilation(), 1,
                    spec.bias());
            return Conv2dBlock.builder().setSpec(thin).build();
        });
        NDManager manager = layers.get(0).weight().getArray().getManager();
        deployed.initialize(manager, DataType.FLOAT32, input);
        int[][] pending = new int[1][]; // channels kept by the last thinned conv1, for its BatchNorm
        WeightTransfer.copy(trained, deployed, (from, to) -> {
            if (from instanceof MaskedConv2d m && kept.containsKey(m.path())) {
                int[] k = kept.get(m.path());
                boolean first = pairs.containsKey(m.path());
                float[] w = WeightTransfer.maskedWeight(m.weight(), m.mask());
                ConvSpec s = m.spec();
                int taps = s.kernel() * s.kernel();
                float[] thin = first ? rows(w, k, s.in() * taps) : columns(w, k, s.out(), s.in(), taps);
                ((Conv2dBlock) to).weight().getArray().set(thin);
                if (m.bias() != null) {
                    float[] b = m.bias().getArray().toFloatArray();
                    to.getDirectParameters().get("bias").getArray().set(first ? select(b, k) : b);
                }
                pending[0] = first ? k : null;
                return true;
            }
            if (BatchNorm2d.isBatchNorm(from) && pending[0] != null) {
                var fp = from.getDirectParameters();
                var tp = to.getDirectParameters();
                for (int i = 0; i < fp.size(); i++) {
                    Parameter p = fp.valueAt(i);
                    tp.valueAt(i).getArray().set(select(p.getArray().toFloatArray(), pending[0]));
                }
                pending[0] = null;
                return true;
            }
            return false;
        });
        Map<String, Object> report = report(layers, cfg, positions, "filters");
        report.put("cpu_form", "thinner dense convs: the removed filters cost nothing");
        return new Result(deployed, report);
    }

    private static float[] rows(float[] w, int[] keep, int rowSize) {
        float[] out = new float[keep.length * rowSize];
        for (int i = 0; i < keep.length; i++) System.arraycopy(w, keep[i] * rowSize, out, i * rowSize, rowSize);
        return out;
    }

    private static float[] columns(float[] w, int[] keep, int out, int in, int taps) {
        float[] r = new float[out * keep.length * taps];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < keep.length; i++) {
                System.arraycopy(w, (o * in + keep[i]) * taps, r, (o * keep.length + i) * taps, taps);
            }
        }
        return r;
    }

    private static float[] select(float[] v, int[] keep) {
        float[] out = new float[keep.length];
        for (int i = 0; i < keep.length; i++) out[i] = v[keep[i]];
        return out;
    }

    /** (out, in per group, taps) of a masked layer's weight. */
    static int[] dims(MaskedLayer l) {
        Shape s = l.weightShape();
        int out = (int) s.get(0);
        int in = (int) s.get(1);
        return new int[] {out, in, (int) (s.size() / ((long) out * in))};
    }

    /**
     * Storage (bits per dense weight) and the cycle model per layer and in total, for the run's own format and for
     * the dense layers it came from, computed from the trained masks.
     *
     * @param format {@code cci} (per-non-zero and combinatorial codes), {@code csr} or {@code filters}
     */
    static Map<String, Object> report(List<MaskedLayer> layers, CciConfig cfg, ToLongFunction<String> positions,
            String format) {
        int g = cfg.groupSize();
        int k = cfg.keepPerGroup();
        int b = cfg.valueBits();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<CycleModel.Result> own = new ArrayList<>();
        List<CycleModel.Result> dense = new ArrayList<>();
        long weights = 0;
        long cciBits = 0;
        long cciCombBits = 0;
        long csrBits = 0;
        for (MaskedLayer l : layers) {
            int[] d = dims(l);
            float[] m = l.mask().getArray().toFloatArray();
            float[] ones = new float[m.length];
            java.util.Arrays.fill(ones, 1);
            long pos = positions.applyAsLong(l.path());
            long n = m.length;
            long groups = (long) d[0] * d[2] * ((d[1] + g - 1) / g);
            long csr = CciCodec.csrBits(m, d[0], d[1] * d[2], b);
            long cci = groups * CciCodec.bitsPerGroup("per_nonzero", g, k, b);
            long cciComb = groups * CciCodec.bitsPerGroup("combinatorial", g, k, b);
            long kept = 0;
            for (float v : m) if (v != 0) kept++;
            long storage = switch (format) {
                case "cci" -> cci;
                case "csr" -> csr;
                default -> kept * b; // filters: a dense layer of the kept weights
            };
            CycleModel.Result r = CycleModel.layer(m, d[0], d[1], d[2], pos, g, cfg.peCount(), b, storage);
            CycleModel.Result rd = CycleModel.layer(ones, d[0], d[1], d[2], pos, g, cfg.peCount(), b, n * b);
            own.add(r);
            dense.add(rd);
            weights += n;
            cciBits += cci;
            cciCombBits += cciComb;
            csrBits += csr;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", l.path());
            row.put("density", (double) kept / n);
            row.put("cycles", r.cycles());
            row.put("dense_cycles", rd.cycles());
            row.put("utilisation", r.utilisation());
            row.put("weight_bits", r.weightBits());
            row.put("activation_bits", r.activationBits());
            rows.add(row);
        }
        CycleModel.Result tot = CycleModel.total(own, cfg.peCount());
        CycleModel.Result totDense = CycleModel.total(dense, cfg.peCount());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", format);
        out.put("value_bits", b);
        Map<String, Object> bits = new LinkedHashMap<>();
        bits.put("dense", (double) b);
        bits.put("cci_per_nonzero", (double) cciBits / weights);
        bits.put("cci_combinatorial", (double) cciCombBits / weights);
        bits.put("csr_of_these_masks", (double) csrBits / weights);
        out.put("bits_per_weight", bits);
        Map<String, Object> cycles = new LinkedHashMap<>();
        cycles.put("pe_count", cfg.peCount());
        cycles.put("cycles", tot.cycles());
        cycles.put("dense_cycles", totDense.cycles());
        cycles.put("speedup_vs_dense", (double) totDense.cycles() / Math.max(1, tot.cycles()));
        cycles.put("utilisation", tot.utilisation());
        cycles.put("weight_bits", tot.weightBits());
        cycles.put("activation_bits", tot.activationBits());
        out.put("cycle_model", cycles);
        out.put("layers", rows);
        return out;
    }
}
