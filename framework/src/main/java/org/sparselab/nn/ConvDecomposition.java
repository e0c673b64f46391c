package org.sparselab.nn;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exact plan for computing a convolution with a fixed 0/1 weight mask by dense library calls that skip the
 * masked work ({@code docs/methods/ssc.md} §1.5 B, generalised): the k×k taps split into the four parity classes
 * (even/odd row × even/odd column), each class is one convolution with a ⌈k/2⌉- or ⌊k/2⌋-tap kernel of dilation 2
 * (for k = 3: corners = 2×2 dilated, edge midpoints = 2×1 and 1×2 dilated, centre = 1×1), and each class's
 * channel connectivity is realised as a dense conv, a grouped conv between channel gathers (complete, equal blocks
 * after permuting filters and channels) or, where it has no such structure, a masked dense conv. All parts write
 * into one shared filter order; one output gather restores the model's order.
 *
 * <p>Whatever the mask, the plan computes exactly {@code conv(x, W ⊙ M)}; when the parts cannot share a filter order
 * the plan falls back to one masked conv ({@link Plan#decomposed()} false) rather than being wrong.
 */
public final class ConvDecomposition {
    private ConvDecomposition() {}

    /** How a part realises its connectivity. */
    public enum PartKind { DENSE, GROUPED, MASKED }

    /**
     * One convolution of the plan.
     *
     * @param tapRow parity of the kernel rows it covers (0 or 1), or -1 for the whole kernel (a tap-uniform mask, or
     *     the fallback)
     * @param inputChannels the input channels it reads, in the order its groups need them (null: all, in order)
     * @param outFrom first position of its filters in the plan's filter order
     * @param outTo one past its last position
     * @param tiling -1 when it computes every filter; else the id of the set of parts whose outputs are concatenated
     *     (with zeros for the filters none of them computes) into all filters
     * @param weightIndex for each element of the part's weight, the index into the dense (out, in/groups, k, k)
     *     weight it holds, or -1 where the dense layer has no such weight (outside the conv's groups)
     * @param mask 0/1 per element for a MASKED part, else null
     */
    public record Part(PartKind kind, int tapRow, int tapCol, Shape weightShape, int dilationH, int dilationW,
            int paddingH, int paddingW, int groups, int[] inputChannels, int outFrom, int outTo, int tiling,
            int[] weightIndex, float[] mask) {
        public long nonZeros() {
            if (mask == null) return weightShape.size();
            long n = 0;
            for (float m : mask) if (m != 0) n++;
            return n;
        }

        public String describe() {
            String taps = tapRow < 0 ? "all taps " + weightShape.get(2) + "×" + weightShape.get(3)
                    : weightShape.get(2) + "×" + weightShape.get(3)
                    + (weightShape.get(2) > 1 || weightShape.get(3) > 1 ? " d2" : "");
            return switch (kind) {
                case DENSE -> "dense " + taps;
                case GROUPED -> "grouped g" + groups + " " + taps;
                case MASKED -> "masked " + taps;
            };
        }
    }

    /**
     * @param outputOrder the shared filter order: position p holds filter {@code outputOrder[p]} (null: identity)
     * @param decomposed false when no exact decomposition was found and the plan is one masked conv
     */
    public record Plan(ConvSpec spec, List<Part> parts, int[] outputOrder, boolean decomposed) {
        public String describe() {
            List<String> p = new ArrayList<>();
            for (Part part : parts) p.add(part.describe());
            long gathers = parts.stream().map(Part::inputChannels).filter(c -> c != null).map(Arrays::toString)
                    .distinct().count() + (outputOrder == null ? 0 : 1);
            return (decomposed ? "" : "not decomposable: ") + String.join(" + ", p) + (gathers == 0 ? ""
                    : ", " + gathers + " channel gather" + (gathers == 1 ? "" : "s"));
        }
    }

    /** The plan for {@code spec} with {@code mask} (0/1 in the dense weight's layout). */
    public static Plan plan(ConvSpec spec, float[] mask) {
        if (mask.length != spec.weightShape().size()) {
            throw new IllegalArgumentException(spec.path() + ": mask of " + mask.length + " for weight "
                    + spec.weightShape());
        }
        Plan plan = tryPlan(spec, mask);
        return plan != null ? plan : fallback(spec, mask);
    }

    private static Plan tryPlan(ConvSpec spec, float[] mask) {
        Geometry g = new Geometry(spec, mask);
        // Every kept filter–channel pair with all k×k taps (groupwise, depthwise, pointwise, standard): one conv over
        // the whole kernel does it in one call where the parity classes would take four. The whole-kernel draft is
        // MASKED whenever a pair has only some of its taps, so a non-masked one is exactly that case.
        if (g.k > 1) {
            Draft whole = draft(g, 0, 0, 1);
            if (whole != null && whole.kind != PartKind.MASKED) {
                Plan plan = assemble(g, List.of(whole));
                if (plan != null) return plan;
            }
        }
        List<Draft> drafts = new ArrayList<>();
        for (int a = 0; a < Math.min(2, g.k); a++) {
            for (int b = 0; b < Math.min(2, g.k); b++) {
                if (spec.padding() - a * spec.dilation() < 0 || spec.padding() - b * spec.dilation() < 0) return null;
                Draft d = draft(g, a, b, 2);
                if (d != null) drafts.add(d);
            }
        }
        if (drafts.isEmpty()) return null; // an all-zero mask: nothing to decompose
        return assemble(g, drafts);
    }

    /** The plan from its parts' drafts: the shared filter order, each part's range, its weights; null if none fits. */
    private static Plan assemble(Geometry g, List<Draft> drafts) {
        ConvSpec spec = g.spec;
        int[] order = filterOrder(g.n, drafts);
        if (order == null) return null;
        int[] pos = new int[g.n];
        for (int p = 0; p < order.length; p++) pos[order[p]] = p;
        // Every part's filters must be a contiguous range of the order, and a grouped part's blocks contiguous in it.
        int[][] ranges = new int[drafts.size()][];
        for (int t = 0; t < drafts.size(); t++) {
            Draft d = drafts.get(t);
            int[] ps = d.rows.stream().mapToInt(n -> pos[n]).sorted().toArray();
            if (ps[ps.length - 1] - ps[0] + 1 != ps.length) return null;
            ranges[t] = new int[] {ps[0], ps[ps.length - 1] + 1};
            if (d.kind == PartKind.GROUPED && !blocksContiguous(d, order, ranges[t])) return null;
        }
        int[] tiling = tilings(ranges, g.n);
        List<Part> parts = new ArrayList<>();
        for (int t = 0; t < drafts.size(); t++) {
            parts.add(build(g, drafts.get(t), order, ranges[t][0], ranges[t][1], tiling[t]));
        }
        return new Plan(spec, List.copyOf(parts), isIdentity(order) ? null : order, true);
    }

    /** One masked conv over all taps and channels: always exact, never faster. */
    private static Plan fallback(ConvSpec spec, float[] mask) {
        Geometry g = new Geometry(spec, mask);
        int k = g.k;
        int[] index = new int[g.n * g.c * k * k];
        float[] m = new float[index.length];
        for (int n = 0, e = 0; n < g.n; n++) {
            for (int c = 0; c < g.c; c++) {
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++, e++) {
                        index[e] = g.index(n, c, i, j);
                        m[e] = index[e] >= 0 && mask[index[e]] != 0 ? 1 : 0;
                    }
                }
            }
        }
        Part p = new Part(PartKind.MASKED, -1, -1, new Shape(g.n, g.c, k, k), spec.dilation(), spec.dilation(),
                spec.padding(), spec.padding(), 1, null, 0, g.n, -1, index, m);
        return new Plan(spec, List.of(p), null, false);
    }

    /** The dense layer's geometry and mask lookups in global channel indices. */
    private static final class Geometry {
        final ConvSpec spec;
        final float[] mask;
        final int n;
        final int c;
        final int k;
        final int nl;
        final int cl;

        Geometry(ConvSpec spec, float[] mask) {
            this.spec = spec;
            this.mask = mask;
            n = spec.out();
            c = spec.in();
            k = spec.kernel();
            nl = n / spec.groups();
            cl = c / spec.groups();
        }

        /** Index of (filter n, global channel c, tap i, j) in the dense weight, or -1 outside n's conv group. */
        int index(int f, int ch, int i, int j) {
            if (ch / cl != f / nl) return -1;
            return ((f * cl + ch % cl) * k + i) * k + j;
        }

        boolean at(int f, int ch, int i, int j) {
            int e = index(f, ch, i, j);
            return e >= 0 && mask[e] != 0;
        }
    }

    /** A part before the shared filter order is known. */
    private static final class Draft {
        PartKind kind;
        int a;
        int b;
        int step; // 2: the taps of parity (a, b); 1: every tap (a = b = 0)
        List<Integer> rows = new ArrayList<>(); // filters with any tap of the class
        int[] blockOfRow; // GROUPED: block id per filter (-1 when not in the part)
        List<int[]> blockCols = new ArrayList<>(); // GROUPED: each block's channels, ascending
    }

    private static Draft draft(Geometry g, int a, int b, int step) {
        int rowsInClass = (g.k - a + step - 1) / step;
        int colsInClass = (g.k - b + step - 1) / step;
        int size = rowsInClass * colsInClass;
        boolean[][] conn = new boolean[g.n][g.c];
        boolean partial = false;
        Draft d = new Draft();
        d.a = a;
        d.b = b;
        d.step = step;
        for (int f = 0; f < g.n; f++) {
            boolean any = false;
            for (int ch = 0; ch < g.c; ch++) {
                int count = 0;
                for (int i = a; i < g.k; i += step) for (int j = b; j < g.k; j += step) if (g.at(f, ch, i, j)) count++;
                if (count > 0 && count < size) partial = true;
                conn[f][ch] = count == size;
                any |= count > 0;
            }
            if (any) d.rows.add(f);
        }
        if (d.rows.isEmpty()) return null;
        if (partial) {
            d.kind = PartKind.MASKED;
            return d;
        }
        // Connected components of the filter–channel graph; grouped when each is a complete block of one size.
        int[] parent = new int[g.n + g.c];
        for (int i = 0; i < parent.length; i++) parent[i] = i;
        for (int f = 0; f < g.n; f++) for (int ch = 0; ch < g.c; ch++) if (conn[f][ch]) union(parent, f, g.n + ch);
        Map<Integer, List<Integer>> rowsOf = new LinkedHashMap<>();
        Map<Integer, List<Integer>> colsOf = new HashMap<>();
        for (int f : d.rows) rowsOf.computeIfAbsent(find(parent, f), r -> new ArrayList<>()).add(f);
        for (int ch = 0; ch < g.c; ch++) {
            int r = find(parent, g.n + ch);
            if (rowsOf.containsKey(r)) colsOf.computeIfAbsent(r, x -> new ArrayList<>()).add(ch);
        }
        int blockRows = -1;
        int blockCols = -1;
        d.blockOfRow = new int[g.n];
        Arrays.fill(d.blockOfRow, -1);
        int id = 0;
        boolean regular = true;
        for (var e : rowsOf.entrySet()) {
            List<Integer> rs = e.getValue();
            List<Integer> cs = colsOf.getOrDefault(e.getKey(), List.of());
            if (blockRows < 0) {
                blockRows = rs.size();
                blockCols = cs.size();
            }
            boolean complete = rs.size() == blockRows && cs.size() == blockCols;
            for (int f : rs) for (int ch : cs) complete &= conn[f][ch];
            if (!complete) {
                regular = false;
                break;
            }
            for (int f : rs) d.blockOfRow[f] = id;
            d.blockCols.add(cs.stream().mapToInt(Integer::intValue).toArray());
            id++;
        }
        if (!regular) {
            d.kind = PartKind.MASKED;
        } else if (d.blockCols.size() == 1 && blockCols == g.c) {
            d.kind = PartKind.DENSE;
        } else {
            d.kind = PartKind.GROUPED;
        }
        return d;
    }

    /**
     * The shared filter order: filters grouped by which parts compute them (so each part is a contiguous range),
     * cells ordered by their smallest filter, and inside a cell sorted by grouped parts' block ids (so blocks are
     * contiguous). Null never; contiguity is verified by the caller.
     */
    private static int[] filterOrder(int n, List<Draft> drafts) {
        List<BitSet> signature = new ArrayList<>();
        for (int f = 0; f < n; f++) signature.add(new BitSet());
        for (int t = 0; t < drafts.size(); t++) {
            Draft d = drafts.get(t);
            if (d.rows.size() == n) continue;
            for (int f : d.rows) signature.get(f).set(t);
        }
        Map<BitSet, List<Integer>> cells = new LinkedHashMap<>();
        for (int f = 0; f < n; f++) cells.computeIfAbsent(signature.get(f), s -> new ArrayList<>()).add(f);
        int[] order = new int[n];
        int at = 0;
        for (List<Integer> cell : cells.values()) {
            cell.sort(Comparator.comparing((Integer f) -> blockKey(f, drafts)).thenComparing(f -> f));
            for (int f : cell) order[at++] = f;
        }
        return order;
    }

    private static String blockKey(int f, List<Draft> drafts) {
        StringBuilder sb = new StringBuilder();
        for (Draft d : drafts) {
            if (d.kind == PartKind.GROUPED) sb.append(String.format("%08d/", d.blockOfRow[f] + 1));
        }
        return sb.toString();
    }

    private static boolean blocksContiguous(Draft d, int[] order, int[] range) {
        int last = -2;
        BitSet closed = new BitSet();
        for (int p = range[0]; p < range[1]; p++) {
            int block = d.blockOfRow[order[p]];
            if (block != last) {
                if (closed.get(block)) return false;
                if (last >= 0) closed.set(last);
                last = block;
            }
        }
        return true;
    }

    /**
     * Parts that compute only some filters, grouped into sets of non-overlapping ranges whose outputs are
     * concatenated (gaps filled with zeros); -1 for parts covering every filter.
     */
    private static int[] tilings(int[][] ranges, int n) {
        int[] tiling = new int[ranges.length];
        Integer[] partial = java.util.stream.IntStream.range(0, ranges.length)
                .filter(t -> !(ranges[t][0] == 0 && ranges[t][1] == n)).boxed().toArray(Integer[]::new);
        Arrays.fill(tiling, -1);
        Arrays.sort(partial, Comparator.comparingInt(t -> ranges[t][0]));
        List<Integer> ends = new ArrayList<>(); // per set: where its last range ends
        for (int t : partial) {
            int set = -1;
            for (int q = 0; q < ends.size() && set < 0; q++) if (ends.get(q) <= ranges[t][0]) set = q;
            if (set < 0) {
                set = ends.size();
                ends.add(0);
            }
            tiling[t] = set;
            ends.set(set, ranges[t][1]);
        }
        return tiling;
    }

    private static Part build(Geometry g, Draft d, int[] order, int from, int to, int tiling) {
        int a = d.a;
        int b = d.b;
        int st = d.step;
        int kh = (g.k - a + st - 1) / st;
        int kw = (g.k - b + st - 1) / st;
        int dil = g.spec.dilation();
        int dh = kh > 1 ? st * dil : 1;
        int dw = kw > 1 ? st * dil : 1;
        int tapRow = st == 1 ? -1 : a;
        int tapCol = st == 1 ? -1 : b;
        int ph = g.spec.padding() - a * dil;
        int pw = g.spec.padding() - b * dil;
        int rows = to - from;
        if (d.kind == PartKind.GROUPED) {
            // Blocks in order of first appearance; the input gather lists each block's channels in that order.
            List<Integer> blockOrder = new ArrayList<>();
            for (int p = from; p < to; p++) {
                int blk = d.blockOfRow[order[p]];
                if (!blockOrder.contains(blk)) blockOrder.add(blk);
            }
            int bc = d.blockCols.get(0).length;
            int[] input = new int[blockOrder.size() * bc];
            for (int q = 0; q < blockOrder.size(); q++) System.arraycopy(d.blockCols.get(blockOrder.get(q)), 0, input, q * bc, bc);
            int[] index = new int[rows * bc * kh * kw];
            for (int p = from, e = 0; p < to; p++) {
                int f = order[p];
                int[] cols = d.blockCols.get(d.blockOfRow[f]);
                for (int ch : cols) for (int u = 0; u < kh; u++) for (int v = 0; v < kw; v++) {
                    index[e++] = g.index(f, ch, a + st * u, b + st * v);
                }
            }
            return new Part(PartKind.GROUPED, tapRow, tapCol, new Shape(rows, bc, kh, kw), dh, dw, ph, pw,
                    blockOrder.size(),
                    isIdentity(input) && input.length == g.c ? null : input, from, to, tiling, index, null);
        }
        int[] index = new int[rows * g.c * kh * kw];
        float[] m = d.kind == PartKind.MASKED ? new float[index.length] : null;
        for (int p = from, e = 0; p < to; p++) {
            int f = order[p];
            for (int ch = 0; ch < g.c; ch++) for (int u = 0; u < kh; u++) for (int v = 0; v < kw; v++, e++) {
                index[e] = g.index(f, ch, a + st * u, b + st * v);
                if (m != null) m[e] = index[e] >= 0 && g.mask[index[e]] != 0 ? 1 : 0;
            }
        }
        return new Part(d.kind, tapRow, tapCol, new Shape(rows, g.c, kh, kw), dh, dw, ph, pw, 1, null, from, to,
                tiling,
                index, m);
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    private static void union(int[] parent, int x, int y) {
        parent[find(parent, x)] = find(parent, y);
    }

    static boolean isIdentity(int[] order) {
        for (int i = 0; i < order.length; i++) if (order[i] != i) return false;
        return true;
    }
}
