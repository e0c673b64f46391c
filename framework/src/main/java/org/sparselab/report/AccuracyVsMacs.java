package org.sparselab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Accuracy against effective MACs, one series per method, error bars of ± one std over seeds, and the Pareto front
 * (no other setting has fewer or equal MACs and higher accuracy) drawn as a dashed line; headless PNG or SVG.
 */
public final class AccuracyVsMacs {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 600;

    /** One setting: its series (method), effective MACs in millions, top-1 mean and std in %. */
    public record Point(String series, String label, double macsM, double top1Pct, double stdPct) {}

    private AccuracyVsMacs() {}

    /** A point per group with both an accuracy and effective MACs. */
    public static List<Point> points(RunGroups groups) {
        List<Point> points = new ArrayList<>();
        for (RunGroups.Group g : groups.groups()) {
            Stats acc = g.accuracyPct();
            double macs = g.stats(RunTable.METRICS + "effective_macs").mean() / 1e6;
            if (acc.present() && Double.isFinite(macs)) {
                points.add(new Point(g.method(), g.label(), macs, acc.mean(), acc.std()));
            }
        }
        return points;
    }

    /** The settings no other beats (fewer or equal MACs and higher top-1), by increasing MACs. */
    public static List<Point> paretoFront(List<Point> points) {
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(Point::macsM).thenComparing(Comparator.comparingDouble(Point::top1Pct)
                .reversed()));
        List<Point> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Point p : sorted) {
            if (p.top1Pct() > best) {
                front.add(p);
                best = p.top1Pct();
            }
        }
        return front;
    }

    /** Writes the figure ({@code .png} or {@code .svg}, {@link #WIDTH}×{@link #HEIGHT}). */
    public static void write(List<Point> points, String title, Path file) throws IOException {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("effective MACs (M)")
                .yAxisTitle("top-1 (%)").build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setErrorBarsColorSeriesColor(true);
        c.getStyler().setMarkerSize(10);
        c.getStyler().setXAxisDecimalPattern("#,##0.##");
        c.getStyler().setYAxisDecimalPattern("0.#");
        Map<String, List<Point>> bySeries = new LinkedHashMap<>();
        for (Point p : points) bySeries.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p);
        for (Map.Entry<String, List<Point>> e : bySeries.entrySet()) {
            List<Point> ps = e.getValue();
            double[] x = ps.stream().mapToDouble(Point::macsM).toArray();
            double[] y = ps.stream().mapToDouble(Point::top1Pct).toArray();
            double[] err = ps.stream().mapToDouble(p -> Double.isFinite(p.stdPct()) ? p.stdPct() : 0).toArray();
            c.addSeries(e.getKey(), x, y, err);
        }
        List<Point> front = paretoFront(points);
        if (front.size() > 1) {
            XYSeries s = c.addSeries("Pareto front", front.stream().mapToDouble(Point::macsM).toArray(),
                    front.stream().mapToDouble(Point::top1Pct).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(Color.GRAY);
            s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
        }
        if (!points.isEmpty()) padAxes(c, points);
        Figure.write(file, WIDTH, HEIGHT, (g, w, h) -> c.paint(g, w, h));
    }

    /** Axis ranges with a margin, so single points and error bars stay inside the plot. */
    private static void padAxes(XYChart c, List<Point> points) {
        double xMin = points.stream().mapToDouble(Point::macsM).min().orElse(0);
        double xMax = points.stream().mapToDouble(Point::macsM).max().orElse(1);
        double yMin = points.stream().mapToDouble(p -> p.top1Pct() - err(p)).min().orElse(0);
        double yMax = points.stream().mapToDouble(p -> p.top1Pct() + err(p)).max().orElse(100);
        double dx = xMax > xMin ? 0.08 * (xMax - xMin) : Math.max(0.1 * Math.abs(xMax), 0.01);
        double dy = yMax > yMin ? 0.08 * (yMax - yMin) : 1;
        c.getStyler().setXAxisMin(Math.max(0, xMin - dx));
        c.getStyler().setXAxisMax(xMax + dx);
        c.getStyler().setYAxisMin(yMin - dy);
        c.getStyler().setYAxisMax(yMax + dy);
    }

    private static double err(Point p) {
        return Double.isFinite(p.stdPct()) ? p.stdPct() : 0;
    }
}
