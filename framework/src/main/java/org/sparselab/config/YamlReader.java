package org.sparselab.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigNode.ListNode;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.ConfigNode.ScalarNode;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into a {@link ConfigNode} tree with Jackson's streaming YAML parser, keeping each node's source and
 * line and each scalar's YAML type.
 *
 * <p>Duplicate keys are errors (Jackson's streaming parser would silently let the last one win), and a syntax error
 * becomes a one-line {@link ConfigException} with the line and snakeyaml's short problem.
 */
public final class YamlReader {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlReader() {}

    /** Parses one YAML document; empty text gives an empty map. */
    public static ConfigNode parse(String text, String source) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) return MapNode.empty(source, 1);
            ConfigNode root = read(p, source, "", 1);
            if (p.nextToken() != null) {
                throw new ConfigException(
                        source, p.currentTokenLocation().getLineNr(), "", "only one YAML document per file", null);
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(e, source, 0, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a YAML value written inline ({@code 3}, {@code [30, 60]}, {@code {a: 1}}, {@code hello}) and places the
     * result and its children at {@code source:line}; errors name {@code key}. Empty text is the empty string.
     */
    public static ConfigNode parseValue(String text, String source, int line, String key) {
        if (text.isBlank()) return ScalarNode.ofString(text, source, line);
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) return ScalarNode.ofNull(source, line);
            ConfigNode value = read(p, source, key, line);
            if (p.nextToken() != null) throw new ConfigException(source, line, key, "expected one value", null);
            return value.relocated(source, line);
        } catch (JsonProcessingException e) {
            throw syntaxError(e, source, line, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ConfigNode read(JsonParser p, String source, String path, int line) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, ConfigNode> entries = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    String keyPath = path.isEmpty() ? key : path + "." + key;
                    ConfigNode value = read(p, source, keyPath, keyLine);
                    if (entries.putIfAbsent(key, value) != null) {
                        throw new ConfigException(source, keyLine, keyPath, "duplicate key", null);
                    }
                }
                return new MapNode(entries, source, line);
            }
            case START_ARRAY: {
                List<ConfigNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String itemPath = path + "[" + items.size() + "]";
                    items.add(read(p, source, itemPath, p.currentTokenLocation().getLineNr()));
                }
                return new ListNode(items, source, line);
            }
            case VALUE_NULL:
                return ScalarNode.ofNull(source, line);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new ScalarNode(ConfigNode.Kind.BOOL, t == JsonToken.VALUE_TRUE, p.getText(), source, line);
            case VALUE_NUMBER_INT:
                return integer(p, source, line);
            case VALUE_NUMBER_FLOAT:
                return floating(p.getText(), source, line);
            default:
                return ScalarNode.ofString(p.getText(), source, line);
        }
    }

    private static ScalarNode integer(JsonParser p, String source, int line) throws IOException {
        String text = p.getText();
        try {
            BigInteger value = p.getBigIntegerValue();
            return new ScalarNode(ConfigNode.Kind.INT, value, text, source, line);
        } catch (JsonProcessingException | NumberFormatException e) {
            return ScalarNode.ofString(text, source, line); // a plain scalar Jackson guessed wrong about
        }
    }

    private static ScalarNode floating(String text, String source, int line) {
        String lower = text.toLowerCase();
        double value;
        // Jackson recognises YAML's .inf/.nan as floats but cannot convert them.
        if (lower.matches("[-+]?\\.inf")) {
            value = lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        } else if (lower.equals(".nan")) {
            value = Double.NaN;
        } else {
            try {
                value = Double.parseDouble(text.replace("_", ""));
            } catch (NumberFormatException e) {
                return ScalarNode.ofString(text, source, line);
            }
        }
        return new ScalarNode(ConfigNode.Kind.FLOAT, value, text, source, line);
    }

    private static ConfigException syntaxError(JsonProcessingException e, String source, int line, String key) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException m) {
                Mark mark = m.getProblemMark();
                StringBuilder detail = new StringBuilder("YAML syntax error: ").append(oneLine(m.getProblem()));
                if (m.getContext() != null) {
                    detail.append(" (").append(oneLine(m.getContext()));
                    if (m.getContextMark() != null) detail.append(" at line ").append(m.getContextMark().getLine() + 1);
                    detail.append(')');
                }
                int at = line > 0 || mark == null ? line : mark.getLine() + 1;
                return new ConfigException(source, at, key, detail.toString(), null);
            }
        }
        int at = line > 0 || e.getLocation() == null ? line : e.getLocation().getLineNr();
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String msg = oneLine(original.lines().findFirst().orElse("unreadable YAML"));
        return new ConfigException(source, at, key, "YAML syntax error: " + msg, null);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s+", " ");
    }
}
