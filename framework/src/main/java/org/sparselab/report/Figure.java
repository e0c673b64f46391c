package org.sparselab.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.sparselab.config.ConfigException;
import org.sparselab.tracking.AtomicFiles;

/**
 * Writes a figure painted with Java2D (XChart charts paint themselves) as PNG or SVG, chosen by the file's extension;
 * headless, atomic (a reader never sees half a file).
 */
public final class Figure {
    /** The formats {@link #write} knows, as file extensions. */
    public static final List<String> FORMATS = List.of("png", "svg");

    /** Paints the figure on {@code g}, {@code width} × {@code height} pixels. */
    @FunctionalInterface
    public interface Painter {
        void paint(Graphics2D g, int width, int height);
    }

    private Figure() {}

    /** Writes {@code file} ({@code .png} or {@code .svg}) of {@code width} × {@code height}. */
    public static void write(Path file, int width, int height, Painter painter) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (name.endsWith(".png")) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                painter.paint(g, width, height);
            } finally {
                g.dispose();
            }
            ImageIO.write(image, "png", out);
        } else if (name.endsWith(".svg")) {
            VectorGraphics2D g = new VectorGraphics2D();
            painter.paint(g, width, height);
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, width, height)).writeTo(out);
        } else {
            throw new ConfigException(file.toString(), "expected a figure file ending in .png or .svg");
        }
        AtomicFiles.write(file, out.toByteArray());
    }
}
