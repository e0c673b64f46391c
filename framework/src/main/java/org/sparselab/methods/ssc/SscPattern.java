package org.sparselab.methods.ssc;

import java.util.Locale;
import org.sparselab.config.ConfigException;
import org.sparselab.nn.ConvSpec;

/**
 * The SSC mask family ({@code docs/methods/ssc.md} §1.2, a reconstruction): for filter n, a channel component S_n
 * (the channels that get a k×k kernel), a spatial component (which taps of those kernels are non-zero) and an
 * optional pointwise complement (a centre-only tap on every channel outside S_n). It contains standard, groupwise,
 * depthwise, pointwise convolution and HetConv as special cases.
 *
 * <p>In a grouped conv the family applies inside each conv group (channel indices local to the group, filter
 * index global, so alternation continues across groups). On a 1×1 conv the spatial component and the complement are
 * meaningless (the complement would make it dense again): there the mask is the channel component alone, a grouped
 * pointwise conv.
 */
public final class SscPattern {
    private SscPattern() {}

    /** How S_n is chosen. */
    public enum ChannelMode {
        /** S_n = the block of group ⌊n / (N/G)⌋: exactly grouped convolution. */
        CONTIGUOUS,
        /** S_n = {c : (c − n) mod G = 0}: HetConv's shifted arrangement. */
        SHIFTED;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which taps of a k×k kernel on a channel of S_n are kept (0-based (i, j), centre at (k−1)/2). */
    public enum Spatial {
        /** All k² taps. */
        FULL,
        /** (i+j) even: for k = 3 the corners and the centre. */
        ODD,
        /** (i+j) odd: for k = 3 the edge midpoints. */
        EVEN,
        /** Channel c of filter n gets ODD when (c + n) is even, else EVEN: the union over channels is complete. */
        ALT_CHANNEL,
        /** Filter n gets ODD when n is even, else EVEN. */
        ALT_FILTER;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The family's options, as {@link SscConfig} names them. */
    public record Options(int groups, ChannelMode channelMode, Spatial pattern, boolean pointwiseComplement) {}

    /**
     * The 0/1 mask of {@code spec}'s weight (out, in/groups, k, k), row-major.
     *
     * @throws ConfigException when the options do not fit the layer, naming the layer and the option
     */
    public static float[] mask(ConvSpec spec, Options o) {
        check(spec, o);
        int k = spec.kernel();
        int convGroups = spec.groups();
        int cl = spec.in() / convGroups; // channels per conv group
        int nl = spec.out() / convGroups; // filters per conv group
        int s = cl / o.groups();
        boolean[][] odd = taps(k, true);
        boolean[][] even = taps(k, false);
        int c0 = (k - 1) / 2;
        float[] m = new float[spec.out() * cl * k * k];
        for (int n = 0; n < spec.out(); n++) {
            int local = n % nl;
            for (int c = 0; c < cl; c++) {
                boolean inS = o.channelMode() == ChannelMode.CONTIGUOUS
                        ? c / s == local / (nl / o.groups())
                        : Math.floorMod(c - local, o.groups()) == 0;
                int base = (n * cl + c) * k * k;
                if (k == 1) {
                    if (inS) m[base] = 1; // a pointwise conv: the channel component alone
                    continue;
                }
                if (inS) {
                    boolean[][] t = switch (o.pattern()) {
                        case FULL -> null;
                        case ODD -> odd;
                        case EVEN -> even;
                        case ALT_CHANNEL -> (c + n) % 2 == 0 ? odd : even;
                        case ALT_FILTER -> n % 2 == 0 ? odd : even;
                    };
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) if (t == null || t[i][j]) m[base + i * k + j] = 1;
                    }
                } else if (o.pointwiseComplement()) {
                    m[base + c0 * k + c0] = 1;
                }
            }
        }
        return m;
    }

    /** ODD ({@code odd = true}: (i+j) even) or EVEN ((i+j) odd) taps of a k×k kernel. */
    public static boolean[][] taps(int k, boolean odd) {
        boolean[][] t = new boolean[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) t[i][j] = ((i + j) % 2 == 0) == odd;
        }
        return t;
    }

    /**
     * The closed form of the per-filter non-zero count for a non-grouped conv in contiguous mode with ALT_CHANNEL
     * (spec §1.4): {@code ⌈s/2⌉·|A| + ⌊s/2⌋·|B| + (C − s)} with s = C/G, A the pattern of S_n's first channel and B
     * the other, plus the complement when on.
     */
    public static long perFilterAltChannel(int n, int channels, int filters, int groups, int k, boolean complement) {
        int s = channels / groups;
        int start = n / (filters / groups) * s; // S_n's first channel
        int odd = (k * k + 1) / 2;
        int even = k * k / 2;
        boolean firstOdd = (start + n) % 2 == 0;
        int a = firstOdd ? odd : even;
        int b = firstOdd ? even : odd;
        return (long) ((s + 1) / 2) * a + (long) (s / 2) * b + (complement ? channels - s : 0);
    }

    static void check(ConvSpec spec, Options o) {
        String layer = "layer " + spec.path() + " (" + spec.in() + "→" + spec.out() + " k" + spec.kernel()
                + (spec.groups() > 1 ? " g" + spec.groups() : "") + ")";
        if (spec.kernel() % 2 == 0) {
            throw new ConfigException("method.kernel_size", layer + ": SSC needs an odd kernel size, found "
                    + spec.kernel() + " (the ODD/EVEN taps are defined around a centre tap)");
        }
        int cl = spec.in() / spec.groups();
        int nl = spec.out() / spec.groups();
        if (o.groups() <= 0 || cl % o.groups() != 0 || nl % o.groups() != 0) {
            throw new ConfigException("method.groups", layer + ": " + o.groups() + " must divide its "
                    + (spec.groups() > 1 ? "per-group " : "") + "input channels " + cl + " and filters " + nl
                    + "; choose groups dividing every converted layer's channels, or leave this layer out of "
                    + "method.layers");
        }
        if (spec.kernel() == 1) return;
        int s = cl / o.groups();
        if (o.pattern() == Spatial.ALT_CHANNEL && s % 2 != 0 && !(s == 1 && spec.out() % 2 == 0)) {
            throw new ConfigException("method.pattern", layer + ": alt_channel needs an even number of channels "
                    + "with a k×k kernel per filter (in/groups = " + s + "), so ODD and EVEN are half each; use "
                    + "fewer groups or another pattern");
        }
        if (o.pattern() == Spatial.ALT_FILTER && spec.out() % 2 != 0) {
            throw new ConfigException("method.pattern", layer + ": alt_filter needs an even number of filters, "
                    + "found " + spec.out());
        }
    }
}
