package org.sparselab.config;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed config value that remembers where it was written: a map, a list or a scalar, each with its {@code source}
 * (file name as given, {@code <string>}, {@code --set}) and 1-based {@code line} (0 when there is none).
 *
 * <p>Nodes are immutable; merging, overrides and interpolation build new trees. A map entry's value carries the line
 * of its key, so an error about {@code train:} points at the line that says {@code train:}.
 */
public sealed interface ConfigNode permits ConfigNode.MapNode, ConfigNode.ListNode, ConfigNode.ScalarNode {
    String source();

    int line();

    /** The same node (and its children) placed at {@code source:line}; used for values that come from defaults. */
    ConfigNode relocated(String source, int line);

    /** What a value looks like in an error message: {@code 'text'} for strings, the literal otherwise. */
    String describe();

    /** An ordered map from key to value. */
    record MapNode(Map<String, ConfigNode> entries, String source, int line) implements ConfigNode {
        public MapNode {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public static MapNode empty(String source, int line) {
            return new MapNode(Map.of(), source, line);
        }

        public ConfigNode get(String key) {
            return entries.get(key);
        }

        @Override
        public MapNode relocated(String source, int line) {
            Map<String, ConfigNode> moved = new LinkedHashMap<>();
            entries.forEach((k, v) -> moved.put(k, v.relocated(source, line)));
            return new MapNode(moved, source, line);
        }

        @Override
        public String describe() {
            return "a map";
        }
    }

    /** A list of values. */
    record ListNode(List<ConfigNode> items, String source, int line) implements ConfigNode {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public ListNode relocated(String source, int line) {
            return new ListNode(items.stream().map(i -> i.relocated(source, line)).toList(), source, line);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** The YAML type a scalar was read as. */
    enum Kind {
        NULL,
        BOOL,
        INT,
        FLOAT,
        STRING
    }

    /**
     * A scalar: {@code value} is null, a Boolean, a BigInteger, a Double or a String by {@code kind}; {@code text} is
     * what was written ({@code yes}, {@code 0x1F}), so a string key can accept {@code version: 1.0} as "1.0".
     */
    record ScalarNode(Kind kind, Object value, String text, String source, int line) implements ConfigNode {
        public static ScalarNode ofNull(String source, int line) {
            return new ScalarNode(Kind.NULL, null, "null", source, line);
        }

        public static ScalarNode ofString(String s, String source, int line) {
            return new ScalarNode(Kind.STRING, s, s, source, line);
        }

        public static ScalarNode ofBool(boolean b, String source, int line) {
            return new ScalarNode(Kind.BOOL, b, Boolean.toString(b), source, line);
        }

        public static ScalarNode ofInt(BigInteger i, String source, int line) {
            return new ScalarNode(Kind.INT, i, i.toString(), source, line);
        }

        public static ScalarNode ofFloat(double d, String source, int line) {
            return new ScalarNode(Kind.FLOAT, d, YamlWriter.formatDouble(d), source, line);
        }

        @Override
        public ScalarNode relocated(String source, int line) {
            return new ScalarNode(kind, value, text, source, line);
        }

        @Override
        public String describe() {
            return switch (kind) {
                case NULL -> "null";
                case STRING -> "'" + text + "'";
                default -> text;
            };
        }
    }
}
