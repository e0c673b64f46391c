package org.sparselab.train;

/**
 * One row of {@code metrics.csv}: a split's loss and accuracy after one epoch.
 *
 * @param epoch global epoch index (0-based across phases)
 * @param split {@code train}, {@code val} or {@code test}
 * @param top1 fraction in [0, 1]
 * @param lr learning rate at the end of the epoch (train rows); the eval rows repeat it
 * @param seconds wall time of this split's pass
 */
public record EpochMetrics(int epoch, String phase, String split, double loss, double top1, double top5, double lr,
        double seconds) {
    public static final String CSV_HEADER = "epoch,phase,split,loss,top1,top5,lr,seconds";

    public String toCsv() {
        return epoch + "," + phase + "," + split + "," + num(loss) + "," + num(top1) + "," + num(top5) + ","
                + num(lr) + "," + String.format(java.util.Locale.ROOT, "%.3f", seconds);
    }

    public static EpochMetrics parseCsv(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 8) throw new IllegalArgumentException("metrics.csv row needs 8 fields: " + line);
        return new EpochMetrics(Integer.parseInt(f[0]), f[1], f[2], Double.parseDouble(f[3]),
                Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]));
    }

    /** Shortest repr that round-trips, so determinism checks compare exact values. */
    private static String num(double v) {
        return Double.toString(v);
    }
}
