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

    /**
     * This mean minus {@code other}'s, with the standard error of that difference and its Welch–Satterthwaite degrees
     * of freedom (unequal variances); NaN parts when unknown (a side with fewer than two values has no spread).
     */
    public Difference minus(Stats other) {
        if (!present() || !other.present()) return new Difference(Double.NaN, Double.NaN, Double.NaN);
        double a = se();
        double b = other.se();
        if (Double.isNaN(a) || Double.isNaN(b)) return new Difference(mean - other.mean, Double.NaN, Double.NaN);
        double va = a * a;
        double vb = b * b;
        double denominator = va * va / (n - 1) + vb * vb / (other.n - 1);
        // Both sides without spread: the difference is exact; any df gives a zero-width interval.
        double df = denominator == 0 ? n + other.n - 2 : (va + vb) * (va + vb) / denominator;
        return new Difference(mean - other.mean, Math.sqrt(va + vb), df);
    }

    /** The two-sided {@code confidence} t interval of this mean (mean ± t·se, n − 1 df); null below two values. */
    public Interval interval(double confidence) {
        if (n < 2) return null;
        return Interval.around(mean, se(), n - 1, confidence);
    }

    /** A difference of two means, its standard error and degrees of freedom (NaN when unknown). */
    public record Difference(double value, double se, double df) {
        public Difference(double value, double se) {
            this(value, se, Double.NaN);
        }

        /** The two-sided {@code confidence} interval value ± t·se (Welch's); null when the spread is unknown. */
        public Interval interval(double confidence) {
            if (Double.isNaN(se) || Double.isNaN(df)) return null;
            return Interval.around(value, se, df, confidence);
        }
    }

    /** A two-sided confidence interval [low, high] from the t distribution with {@code df} degrees of freedom. */
    public record Interval(double low, double high, double confidence, double df) {
        static Interval around(double centre, double se, double df, double confidence) {
            if (!(confidence > 0 && confidence < 1)) {
                throw new IllegalArgumentException("confidence must be in (0, 1): " + confidence);
            }
            double half = se == 0 ? 0 : StudentT.quantile(0.5 + confidence / 2, df) * se;
            return new Interval(centre - half, centre + half, confidence, df);
        }
    }

    /** The statistics scaled by {@code factor} (fraction → percent). */
    public Stats times(double factor) {
        return new Stats(mean * factor, std * Math.abs(factor), n);
    }
}
