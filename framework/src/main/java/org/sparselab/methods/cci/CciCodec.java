package org.sparselab.methods.cci;

import java.nio.ByteBuffer;

/**
 * The compressed CCI form of a layer ({@code docs/methods/cci.md} §1.3): per output channel, tap and group of g input
 * channels, k values and k indices in [0, g), sorted by index (canonical), laid out [out][tap][in/g][k]. Values are
 * stored as their float32 bits, so decoding gives the trained weights back bit for bit; the storage model
 * ({@link #bitsPerGroup}) counts b-bit values.
 */
public final class CciCodec {
    private static final int MAGIC = 0x43434931; // "CCI1"

    private CciCodec() {}

    /**
     * Encodes the weights {@code w} (out, in, taps) under {@code mask}, which must keep exactly k of every group.
     *
     * @throws IllegalArgumentException when a group does not hold exactly k mask entries
     */
    public static byte[] encode(float[] w, float[] mask, int out, int in, int taps, int g, int k) {
        int groups = in / g;
        ByteBuffer b = ByteBuffer.allocate(24 + out * taps * groups * k * 5);
        b.putInt(MAGIC).putInt(out).putInt(in).putInt(taps).putInt(g).putInt(k);
        int valStart = b.position();
        int idxStart = valStart + out * taps * groups * k * 4;
        int slot = 0;
        for (int o = 0; o < out; o++) {
            for (int t = 0; t < taps; t++) {
                for (int j = 0; j < groups; j++) {
                    int kept = 0;
                    for (int m = 0; m < g; m++) { // ascending index: the canonical order
                        int e = (o * in + j * g + m) * taps + t;
                        if (mask[e] == 0) continue;
                        if (kept == k) throw new IllegalArgumentException(groupName(o, t, j) + " keeps more than " + k);
                        b.putFloat(valStart + 4 * slot, w[e]);
                        b.put(idxStart + slot, (byte) m);
                        slot++;
                        kept++;
                    }
                    if (kept != k) throw new IllegalArgumentException(groupName(o, t, j) + " keeps " + kept + ", not " + k);
                }
            }
        }
        return b.array();
    }

    /** The dense (out, in, taps) weight of an encoded layer: the kept values at their places, zeros elsewhere. */
    public static float[] decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt() != MAGIC) throw new IllegalArgumentException("not a CCI-encoded layer");
        int out = b.getInt();
        int in = b.getInt();
        int taps = b.getInt();
        int g = b.getInt();
        int k = b.getInt();
        int groups = in / g;
        int valStart = b.position();
        int idxStart = valStart + out * taps * groups * k * 4;
        float[] w = new float[out * in * taps];
        int slot = 0;
        for (int o = 0; o < out; o++) {
            for (int t = 0; t < taps; t++) {
                for (int j = 0; j < groups; j++) {
                    for (int r = 0; r < k; r++, slot++) {
                        int m = b.get(idxStart + slot);
                        w[(o * in + j * g + m) * taps + t] = b.getFloat(valStart + 4 * slot);
                    }
                }
            }
        }
        return w;
    }

    /** The index entries of an encoded layer in storage order (for tests: sorted within each group). */
    static int[] indices(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.getInt();
        int out = b.getInt();
        int in = b.getInt();
        int taps = b.getInt();
        int g = b.getInt();
        int k = b.getInt();
        int n = out * taps * (in / g) * k;
        int idxStart = 24 + n * 4;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = b.get(idxStart + i);
        return idx;
    }

    /** Bits of one group of g weights: dense g·b; CCI per-non-zero k·(b + ⌈log2 g⌉) or combinatorial k·b + ⌈log2 C(g,k)⌉. */
    public static long bitsPerGroup(String coding, int g, int k, int valueBits) {
        return switch (coding) {
            case "dense" -> (long) g * valueBits;
            case "per_nonzero" -> (long) k * (valueBits + ceilLog2(g));
            case "combinatorial" -> (long) k * valueBits + ceilLog2(binomial(g, k));
            default -> throw new IllegalArgumentException("unknown coding " + coding);
        };
    }

    /**
     * Bits of a CSR-style unstructured layout of a mask over (rows, cols): per non-zero its value and its column
     * index, plus rows + 1 row pointers.
     */
    public static long csrBits(float[] mask, int rows, int cols, int valueBits) {
        long nnz = 0;
        for (float m : mask) if (m != 0) nnz++;
        return nnz * (valueBits + ceilLog2(cols)) + (rows + 1L) * ceilLog2(nnz + 1);
    }

    static int ceilLog2(long n) {
        if (n <= 1) return 0;
        return 64 - Long.numberOfLeadingZeros(n - 1);
    }

    static long binomial(int n, int k) {
        long r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }

    private static String groupName(int o, int t, int j) {
        return "group (filter " + o + ", tap " + t + ", channels " + j + "·g…)";
    }
}
