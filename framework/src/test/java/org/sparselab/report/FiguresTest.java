package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.train.EpochMetrics;
import org.w3c.dom.Element;

/** Figures render headless to non-empty PNG and SVG files of the stated size; the Pareto front is right. */
class FiguresTest {
    @TempDir Path dir;

    private static final List<AccuracyVsMacs.Point> POINTS = List.of(
            new AccuracyVsMacs.Point("none", "dense", 40, 82, 2),
            new AccuracyVsMacs.Point("strucspars", "0.5", 20, 81, 1),
            new AccuracyVsMacs.Point("strucspars", "0.75", 10, 78, Double.NaN),
            new AccuracyVsMacs.Point("other", "worse", 25, 79, 0.5)); // dominated by strucspars 0.5

    @Test
    void paretoFrontKeepsTheUndominatedSettings() {
        assertEquals(List.of(10.0, 20.0, 40.0),
                AccuracyVsMacs.paretoFront(POINTS).stream().map(AccuracyVsMacs.Point::macsM).toList());
    }

    @Test
    void accuracyVsMacsRendersPngAndSvg() throws Exception {
        Path png = dir.resolve("a.png");
        Path svg = dir.resolve("a.svg");
        AccuracyVsMacs.write(POINTS, "test", png);
        AccuracyVsMacs.write(POINTS, "test", svg);
        assertImage(png, AccuracyVsMacs.WIDTH, AccuracyVsMacs.HEIGHT);
        assertSvg(svg, AccuracyVsMacs.WIDTH, AccuracyVsMacs.HEIGHT);
    }

    @Test
    void trainingCurvesOfSeveralRuns() throws Exception {
        Map<String, List<EpochMetrics>> runs = new LinkedHashMap<>();
        for (String name : List.of("dense s0", "sparse s0")) {
            runs.put(name, List.of(new EpochMetrics(0, "train", "train", 1.0, 0.5, 0.9, 0.1, 1),
                    new EpochMetrics(0, "train", "test", 0.9, 0.55, 0.9, 0.1, 1),
                    new EpochMetrics(1, "train", "train", 0.7, 0.7, 0.9, 0.1, 1),
                    new EpochMetrics(1, "train", "test", 0.8, 0.6, 0.9, 0.1, 1)));
        }
        TrainingCurves.writeRuns(runs, "curves", dir.resolve("c.png"));
        TrainingCurves.writeRuns(runs, "curves", dir.resolve("c.svg"));
        assertImage(dir.resolve("c.png"), TrainingCurves.WIDTH, TrainingCurves.HEIGHT);
        assertSvg(dir.resolve("c.svg"), TrainingCurves.WIDTH, TrainingCurves.HEIGHT);
    }

    private static void assertImage(Path png, int w, int h) throws IOException {
        assertTrue(Files.size(png) > 5_000, "a real picture, not an empty canvas");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        int corner = img.getRGB(0, 0);
        boolean drawn = false;
        for (int x = 0; x < w && !drawn; x += 7) {
            for (int y = 0; y < h && !drawn; y += 7) drawn = img.getRGB(x, y) != corner;
        }
        assertTrue(drawn, "something is drawn");
    }

    private static void assertSvg(Path svg, int w, int h) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Element root = f.newDocumentBuilder().parse(svg.toFile()).getDocumentElement();
        assertEquals("svg", root.getTagName());
        assertEquals(w + "px", root.getAttribute("width"));
        assertEquals(h + "px", root.getAttribute("height"));
        String viewBox = root.getAttribute("viewBox");
        assertTrue(viewBox.replaceAll("\\s+", " ").trim().matches("0(\\.0)? 0(\\.0)? " + w + "(\\.0)? " + h + "(\\.0)?"),
                viewBox);
        assertTrue(Files.size(svg) > 5_000);
    }
}
