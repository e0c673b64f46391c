package org.sparselab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigNode.Kind;
import org.sparselab.config.ConfigNode.ListNode;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.ConfigNode.ScalarNode;

class YamlReaderTest {
    @Test
    void scalarsKeepTheirYamlTypeAndEveryNodeItsLine() {
        MapNode root = (MapNode) YamlReader.parse(
                "a: 1\nb: 2.5\nc: true\nd: ~\ne: \"3\"\n# comment\nf:\n  g: [1, x]\n", "cfg.yaml");
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), List.copyOf(root.entries().keySet()));
        assertEquals(new ScalarNode(Kind.INT, BigInteger.ONE, "1", "cfg.yaml", 1), root.get("a"));
        assertEquals(Kind.FLOAT, ((ScalarNode) root.get("b")).kind());
        assertEquals(2.5, ((ScalarNode) root.get("b")).value());
        assertEquals(Boolean.TRUE, ((ScalarNode) root.get("c")).value());
        assertEquals(Kind.NULL, ((ScalarNode) root.get("d")).kind());
        assertEquals(ScalarNode.ofString("3", "cfg.yaml", 5), root.get("e"));
        MapNode f = (MapNode) root.get("f");
        assertEquals(7, f.line()); // the line of the key "f:", not of its first entry
        ListNode g = (ListNode) f.get("g");
        assertEquals(8, g.line());
        assertEquals("cfg.yaml", g.items().get(1).source());
        assertEquals(ScalarNode.ofString("x", "cfg.yaml", 8), g.items().get(1));
    }

    @Test
    void specialFloatsAreRead() {
        MapNode root = (MapNode) YamlReader.parse("a: .inf\nb: -.inf\nc: 1.0E-4\n", "s");
        assertEquals(Double.POSITIVE_INFINITY, ((ScalarNode) root.get("a")).value());
        assertEquals(Double.NEGATIVE_INFINITY, ((ScalarNode) root.get("b")).value());
        assertEquals(1e-4, ((ScalarNode) root.get("c")).value());
    }

    @Test
    void emptyTextIsAnEmptyMap() {
        assertEquals(MapNode.empty("s", 1), YamlReader.parse("", "s"));
        assertEquals(MapNode.empty("s", 1), YamlReader.parse("# only a comment\n", "s"));
    }

    @Test
    void duplicateKeyIsAnError() {
        var e = assertThrows(ConfigException.class, () -> YamlReader.parse("a:\n  b: 1\n  b: 2\n", "x.yaml"));
        assertEquals("x.yaml:3: a.b: duplicate key", e.getMessage());
    }

    @Test
    void syntaxErrorIsOneLineWithFileAndLine() {
        var e = assertThrows(
                ConfigException.class, () -> YamlReader.parse("train:\n  epochs: [1,\n  lr: 2\n", "x.yaml"));
        assertEquals("x.yaml:4: YAML syntax error: expected ',' or ']', but got <stream end> "
                + "(while parsing a flow sequence at line 2)", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void secondDocumentIsAnError() {
        var e = assertThrows(ConfigException.class, () -> YamlReader.parse("a: 1\n---\nb: 2\n", "x.yaml"));
        assertTrue(e.getMessage().startsWith("x.yaml:"), e.getMessage());
        assertTrue(e.getMessage().endsWith(": only one YAML document per file"), e.getMessage());
    }

    @Test
    void inlineValuesParseAsFlowYaml() {
        assertEquals(ScalarNode.ofInt(BigInteger.valueOf(3), "--set", 0), YamlReader.parseValue("3", "--set", 0, "k"));
        ListNode l = (ListNode) YamlReader.parseValue("[30, 60]", "--set", 0, "k");
        assertEquals(2, l.items().size());
        assertEquals(0, l.items().get(0).line());
        assertTrue(YamlReader.parseValue("{a: 1}", "--set", 0, "k") instanceof MapNode);
        assertEquals(Kind.NULL, ((ScalarNode) YamlReader.parseValue("null", "--set", 0, "k")).kind());
        assertEquals(ScalarNode.ofString("", "--set", 0), YamlReader.parseValue("", "--set", 0, "k"));
        assertEquals(
                ScalarNode.ofString("hello world", "--set", 0), YamlReader.parseValue("hello world", "--set", 0, "k"));
    }
}
