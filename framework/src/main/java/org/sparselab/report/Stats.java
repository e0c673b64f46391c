package org.sparselab.report;

/**
 * Mean, sample standard deviation (n − 1 in the denominator, as numpy's {@code std(ddof=1)}) and count of the finite
 * values of one quantity over a group of runs (the seeds of one setting).
 */
public record Stats(double mean, double std, int n) {
    public static final Stats EMPTY = new Stats(Double.NaN, Double.NaN, 0);

    /** The statistics of the finite values among {@code values}; std is NaN below two values. */
    public static Stats of(double... values) {
        int n = 0;
        double sum = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                n++;
                sum += v;
            }
        }
        if (n == 0) return EMPTY;
        double mean = sum / n;
        double ss = 0;
        for (double v : values) if (Double.isFinite(v)) ss += (v - mean) * (v - mean);
        return new Stats(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, n);
    }

    /** Standard error of the mean (NaN below two values). */
    public double se() {
        return n > 1 ? std / Math.sqrt(n) : Double.NaN;
    }

    /** Whether there is a mean. */
    public boolean present() {
        return n > 0;
    }

    /** This mean minus {@code other}'s, with the standard error of that difference (Welch); NaN parts when unknown. */
    public Difference minus(Stats other) {
        if (!present() || !other.present()) return new Difference(Double.NaN, Double.NaN);
        double a = se();
        double b = other.se();
        double se = Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.sqrt(a * a + b * b);
        return new Difference(mean - other.mean, se);
    }

    /** A difference of two means and its standard error. */
    public record Difference(double value, double se) {}

    /** The statistics scaled by {@code factor} (fraction → percent). */
    public Stats times(double factor) {
        return new Stats(mean * factor, std * Math.abs(factor), n);
    }
}
