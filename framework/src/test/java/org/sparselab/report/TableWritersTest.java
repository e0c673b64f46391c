package org.sparselab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/** Each writer's output parses: CSV reads back exactly, Markdown and LaTeX have the right shape, HTML is well-formed. */
class TableWritersTest {
    /** Two rows with text that needs escaping in every format, a ± column and a missing value. */
    private static ReportTable table() {
        Table data = Table.create("t",
                StringColumn.create("method", "a_b & <c>", "50% | #1"),
                DoubleColumn.create("top1", 81.23456789, 79.5),
                DoubleColumn.create("std", 0.5, Double.NaN),
                DoubleColumn.create("delta", Double.NaN, -1.7349),
                DoubleColumn.create("x", 2.0, 3.25));
        List<ReportTable.Shown> shown = List.of(
                ReportTable.Shown.text("method", "method"),
                new ReportTable.Shown("top-1", "%", "top1", "std", ReportTable.Kind.NUMBER, 2, false),
                new ReportTable.Shown("Δ top-1", "pt", "delta", null, ReportTable.Kind.SIGNED, 2, false),
                new ReportTable.Shown("MACs ↓", null, "x", null, ReportTable.Kind.FACTOR, 2, false));
        return new ReportTable("demo", "Demo: 50% & more", data, shown, List.of("A note with 5% and x_y."));
    }

    private static String write(String format) {
        return TableWriters.defaults().get(format).write(table());
    }

    @Test
    void csvReadsBackExactly() {
        String csv = write("csv");
        Table back = Table.read().usingOptions(CsvReadOptions.builderFromString(csv)
                .columnTypes(new ColumnType[] {ColumnType.STRING, ColumnType.DOUBLE, ColumnType.DOUBLE,
                    ColumnType.DOUBLE, ColumnType.DOUBLE}));
        assertEquals(List.of("method", "top1", "std", "delta", "x"), back.columnNames());
        assertEquals(List.of("a_b & <c>", "50% | #1"), back.stringColumn("method").asList());
        assertEquals(81.23456789, back.doubleColumn("top1").get(0), 0, "full precision, no formatting");
        assertTrue(back.doubleColumn("std").isMissing(1));
        assertEquals(-1.7349, back.doubleColumn("delta").get(1), 0);
    }

    @Test
    void markdownIsAPipeTableWithUnitsAndAlignment() {
        String md = write("md");
        List<String> lines = md.lines().toList();
        assertEquals("### Demo: 50% & more", lines.get(0));
        assertEquals("| method | top-1 (%) | Δ top-1 (pt) | MACs ↓ |", lines.get(2));
        assertEquals("| :--- | ---: | ---: | ---: |", lines.get(3));
        assertEquals("| a_b & <c> | 81.23 ± 0.50 | — | 2.00× |", lines.get(4));
        assertEquals("| 50% \\| #1 | 79.50 | -1.73 | 3.25× |", lines.get(5));
        for (String l : lines.subList(2, 6)) {
            assertEquals(5, l.replace("\\|", "").chars().filter(c -> c == '|').count(), l);
        }
        assertTrue(md.contains("A note with 5% and x_y."));
    }

    @Test
    void latexIsBooktabsWithEscapes() {
        String tex = write("latex");
        assertTrue(tex.contains("\\begin{tabular}{lrrr}\n\\toprule\n"), tex);
        assertTrue(tex.contains("\\caption{Demo: 50\\% \\& more}"), tex);
        assertTrue(tex.contains("method & top-1 (\\%) & $\\Delta$ top-1 (pt) & MACs $\\downarrow$ \\\\\n\\midrule"),
                tex);
        assertTrue(tex.contains("a\\_b \\& <c> & 81.23 $\\pm$ 0.50 & -- & 2.00$\\times$ \\\\"), tex);
        assertTrue(tex.contains("50\\% | \\#1 & 79.50 & -1.73 & 3.25$\\times$ \\\\\n\\bottomrule\n\\end{tabular}"),
                tex);
        assertTrue(tex.indexOf("\\toprule") < tex.indexOf("\\midrule") && tex.indexOf("\\midrule")
                < tex.indexOf("\\bottomrule"));
        assertEquals(tex.split("\\\\begin\\{", -1).length, tex.split("\\\\end\\{", -1).length, "balanced environments");
    }

    @Test
    void htmlIsWellFormedAndStandalone() throws Exception {
        String html = write("html");
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(html)));
        assertEquals("html", doc.getDocumentElement().getTagName());
        assertEquals(3, doc.getElementsByTagName("tr").getLength(), "header + two rows");
        assertEquals("a_b & <c>", doc.getElementsByTagName("td").item(0).getTextContent());
        assertEquals("81.23 ± 0.50", doc.getElementsByTagName("td").item(1).getTextContent());
        assertTrue(!html.contains("<script") && !html.contains("http"), "no scripts, nothing fetched");
    }

    @Test
    void unknownFormatIsBadInputWithASuggestion() {
        var e = assertThrows(ConfigException.class, () -> TableWriters.defaults().get("markdwn"));
        assertTrue(e.getMessage().contains("(did you mean md?)") || e.getMessage().contains("expected one of [md, csv, "
                + "latex, html]"), e.getMessage());
        assertEquals(List.of("md", "csv", "latex", "html"), List.copyOf(TableWriters.defaults().names()));
    }
}
