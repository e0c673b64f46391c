package org.sparselab.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sparselab.train.EpochMetrics;

/**
 * Loss and top-1 per epoch as a two-panel figure (loss left, accuracy right), headless, PNG or SVG: for one run every
 * split ({@link #write}); for several runs the training loss and the evaluation top-1 of each ({@link #writeRuns}).
 */
public final class TrainingCurves {
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 450;

    private TrainingCurves() {}

    /** Writes {@code file} (PNG, {@link #WIDTH}×{@link #HEIGHT}) from one run's metrics rows. */
    public static void writePng(List<EpochMetrics> rows, String title, Path file) throws IOException {
        write(rows, title, file);
    }

    /** One run, every split: {@code file} ending in {@code .png} or {@code .svg}. */
    public static void write(List<EpochMetrics> rows, String title, Path file) throws IOException {
        XYChart loss = chart(title + " — loss", "loss");
        XYChart acc = chart(title + " — top-1", "top-1 (%)");
        for (Map.Entry<String, List<EpochMetrics>> split : bySplit(rows).entrySet()) {
            addSeries(loss, acc, split.getKey(), split.getValue(), split.getValue());
        }
        writePanels(loss, acc, file);
    }

    /**
     * Several runs ({@code label → rows}): each run's training loss (left) and evaluation top-1 (right; the {@code val}
     * split when the run has one, else {@code test}).
     */
    public static void writeRuns(Map<String, List<EpochMetrics>> runs, String title, Path file) throws IOException {
        XYChart loss = chart(title + " — training loss", "loss");
        XYChart acc = chart(title + " — evaluation top-1", "top-1 (%)");
        for (Map.Entry<String, List<EpochMetrics>> run : runs.entrySet()) {
            Map<String, List<EpochMetrics>> splits = bySplit(run.getValue());
            List<EpochMetrics> eval = splits.getOrDefault("val", splits.getOrDefault("test", List.of()));
            addSeries(loss, acc, run.getKey(), splits.getOrDefault("train", List.of()), eval);
        }
        writePanels(loss, acc, file);
    }

    private static void addSeries(XYChart loss, XYChart acc, String name, List<EpochMetrics> lossRows,
            List<EpochMetrics> accRows) {
        List<Double> x = new ArrayList<>();
        List<Double> l = new ArrayList<>();
        for (EpochMetrics m : lossRows) {
            if (!Double.isFinite(m.loss())) continue; // a diverged point would flatten the whole axis
            x.add((double) m.epoch());
            l.add(m.loss());
        }
        if (!x.isEmpty()) loss.addSeries(name, x, l).setMarker(SeriesMarkers.CIRCLE);
        List<Double> xa = new ArrayList<>();
        List<Double> a = new ArrayList<>();
        for (EpochMetrics m : accRows) {
            if (!Double.isFinite(m.top1())) continue;
            xa.add((double) m.epoch());
            a.add(100 * m.top1());
        }
        if (!xa.isEmpty()) acc.addSeries(name, xa, a).setMarker(SeriesMarkers.CIRCLE);
    }

    private static void writePanels(XYChart left, XYChart right, Path file) throws IOException {
        Figure.write(file, WIDTH, HEIGHT, (g, w, h) -> {
            left.paint(g, w / 2, h);
            g.translate(w / 2, 0);
            right.paint(g, w / 2, h);
        });
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(WIDTH / 2).height(HEIGHT).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setXAxisDecimalPattern("0");
        c.getStyler().setYAxisDecimalPattern(yTitle.startsWith("top-1") ? "0.#" : "0.###");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return c;
    }

    private static Map<String, List<EpochMetrics>> bySplit(List<EpochMetrics> rows) {
        Map<String, List<EpochMetrics>> m = new LinkedHashMap<>();
        for (EpochMetrics r : rows) m.computeIfAbsent(r.split(), k -> new ArrayList<>()).add(r);
        return m;
    }
}
