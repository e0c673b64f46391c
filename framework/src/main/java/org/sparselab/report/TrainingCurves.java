package org.sparselab.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sparselab.train.EpochMetrics;

/**
 * Loss and top-1 per epoch for each split of one run, as a two-panel PNG (loss left, accuracy right), headless.
 */
public final class TrainingCurves {
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 450;

    private TrainingCurves() {}

    /** Writes {@code file} (PNG, {@link #WIDTH}×{@link #HEIGHT}) from the run's metrics rows. */
    public static void writePng(List<EpochMetrics> rows, String title, Path file) throws IOException {
        XYChart loss = chart(title + " — loss", "loss");
        XYChart acc = chart(title + " — top-1", "top-1 (%)");
        for (Map.Entry<String, List<EpochMetrics>> split : bySplit(rows).entrySet()) {
            List<Double> x = new ArrayList<>();
            List<Double> l = new ArrayList<>();
            List<Double> a = new ArrayList<>();
            for (EpochMetrics m : split.getValue()) {
                if (!Double.isFinite(m.loss())) continue; // a diverged point would flatten the whole axis
                x.add((double) m.epoch());
                l.add(m.loss());
                a.add(100 * m.top1());
            }
            if (x.isEmpty()) continue;
            loss.addSeries(split.getKey(), x, l).setMarker(SeriesMarkers.CIRCLE);
            acc.addSeries(split.getKey(), x, a).setMarker(SeriesMarkers.CIRCLE);
        }
        var image = new java.awt.image.BufferedImage(WIDTH, HEIGHT, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        try {
            g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
            loss.paint(g, WIDTH / 2, HEIGHT);
            g.translate(WIDTH / 2, 0);
            acc.paint(g, WIDTH / 2, HEIGHT);
        } finally {
            g.dispose();
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp.png");
        javax.imageio.ImageIO.write(image, "png", tmp.toFile());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(WIDTH / 2).height(HEIGHT).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setXAxisDecimalPattern("0");
        return c;
    }

    private static Map<String, List<EpochMetrics>> bySplit(List<EpochMetrics> rows) {
        Map<String, List<EpochMetrics>> m = new LinkedHashMap<>();
        for (EpochMetrics r : rows) m.computeIfAbsent(r.split(), k -> new ArrayList<>()).add(r);
        return m;
    }

}
