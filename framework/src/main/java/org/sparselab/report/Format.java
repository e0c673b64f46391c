package org.sparselab.report;

import java.util.Locale;

/** The one number format of reports: fixed decimals, {@link Locale#ROOT}, "—" for a missing value. */
final class Format {
    static final String MISSING = "—";

    private Format() {}

    static String number(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : MISSING;
    }

    static String signed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+." + decimals + "f", v) : MISSING;
    }

    /** {@code 85.10 ± 0.30 %} (the ± part only with two or more runs). */
    static String pct(Stats s) {
        return value(s, " %");
    }

    /** {@code 85.10 ± 0.30} followed by {@code unit} (the ± part only with two or more runs). */
    static String value(Stats s, String unit) {
        if (!s.present()) return MISSING;
        return number(s.mean(), 2) + (Double.isFinite(s.std()) ? " ± " + number(s.std(), 2) : "") + unit;
    }

    /** {@code -0.43 ± 0.21} (the ± part only when the standard error is known). */
    static String delta(Stats.Difference d) {
        return signed(d.value(), 2) + (Double.isFinite(d.se()) ? " ± " + number(d.se(), 2) : "");
    }

    /** {@code 95 % CI [-1.23, +0.23]}. */
    static String interval(Stats.Interval ci, int decimals) {
        return number(ci.confidence() * 100, 0) + " % CI [" + signed(ci.low(), decimals) + ", "
                + signed(ci.high(), decimals) + "]";
    }

    /** {@code strucspars @ 0.5, resnet20, cifar10: 85.10 ± 0.30 %, n = 3}. */
    static String describe(RunGroups.Group g, Stats s) {
        return describe(g, s, " %");
    }

    /** As {@link #describe(RunGroups.Group, Stats)} in {@code unit} ("" for a count such as cycles). */
    static String describe(RunGroups.Group g, Stats s, String unit) {
        return g.label() + ": " + value(s, unit) + ", n = " + s.n();
    }
}
