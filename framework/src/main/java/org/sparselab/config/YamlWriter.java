package org.sparselab.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.sparselab.config.ConfigNode.ListNode;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.ConfigNode.ScalarNode;

/**
 * Writes a {@link ConfigNode} tree as canonical block YAML: two-space indent, keys in tree order, one value per line,
 * {@code []}/{@code {}} for empty collections, strings quoted whenever a plain scalar could read back as something
 * else.
 *
 * <p>The text is hashed for provenance, so it never depends on a library's formatting defaults.
 */
public final class YamlWriter {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_./+-]*");
    private static final Pattern RESERVED =
            Pattern.compile("(?i)true|false|yes|no|on|off|y|n|null|nan|inf|infinity");

    private YamlWriter() {}

    /** The YAML text of {@code node}, ending in a newline. */
    public static String write(ConfigNode node) {
        if (isInline(node)) return inline(node) + "\n";
        return String.join("\n", lines(node)) + "\n";
    }

    /**
     * {@code node} on one line in YAML flow style ({@code 0.5}, {@code resnet20}, {@code [30, 60]}, {@code {a: 1}}),
     * which reads back as the same value: how sweep values appear in names, manifests and {@code --set} overrides.
     */
    public static String flow(ConfigNode node) {
        if (node instanceof MapNode m && !m.entries().isEmpty()) {
            List<String> parts = new ArrayList<>();
            m.entries().forEach((k, v) -> parts.add(string(k) + ": " + flow(v)));
            return "{" + String.join(", ", parts) + "}";
        }
        if (node instanceof ListNode l && !l.items().isEmpty()) {
            List<String> parts = new ArrayList<>();
            l.items().forEach(v -> parts.add(flow(v)));
            return "[" + String.join(", ", parts) + "]";
        }
        return inline(node);
    }

    /** A double as YAML: {@link Double#toString} (exact round trip), or {@code .inf}, {@code -.inf}, {@code .nan}. */
    public static String formatDouble(double d) {
        if (Double.isNaN(d)) return ".nan";
        if (Double.isInfinite(d)) return d > 0 ? ".inf" : "-.inf";
        return Double.toString(d);
    }

    private static List<String> lines(ConfigNode node) {
        List<String> out = new ArrayList<>();
        if (node instanceof MapNode m) {
            for (Map.Entry<String, ConfigNode> e : m.entries().entrySet()) {
                String key = string(e.getKey());
                if (isInline(e.getValue())) {
                    out.add(key + ": " + inline(e.getValue()));
                } else {
                    out.add(key + ":");
                    lines(e.getValue()).forEach(l -> out.add("  " + l));
                }
            }
        } else if (node instanceof ListNode l) {
            for (ConfigNode item : l.items()) {
                if (isInline(item)) {
                    out.add("- " + inline(item));
                } else {
                    List<String> sub = lines(item);
                    out.add("- " + sub.get(0));
                    sub.subList(1, sub.size()).forEach(s -> out.add("  " + s));
                }
            }
        }
        return out;
    }

    private static boolean isInline(ConfigNode node) {
        return node instanceof ScalarNode
                || node instanceof MapNode m && m.entries().isEmpty()
                || node instanceof ListNode l && l.items().isEmpty();
    }

    private static String inline(ConfigNode node) {
        if (node instanceof MapNode) return "{}";
        if (node instanceof ListNode) return "[]";
        ScalarNode s = (ScalarNode) node;
        return switch (s.kind()) {
            case NULL -> "null";
            case BOOL -> s.value().toString();
            case INT -> s.value().toString();
            case FLOAT -> formatDouble((Double) s.value());
            case STRING -> string((String) s.value());
        };
    }

    /** A string as a plain scalar when that reads back as the same string, else double-quoted. */
    static String string(String s) {
        if (PLAIN.matcher(s).matches() && !RESERVED.matcher(s).matches()) return s;
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
