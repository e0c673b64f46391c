package org.sparselab.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparselab.config.ConfigNode.ListNode;
import org.sparselab.config.ConfigNode.MapNode;

/**
 * Applies command-line overrides {@code key.path=value} (the CLI's {@code --set}) to a config tree.
 *
 * <p>The value is read as inline YAML ({@code 3}, {@code 0.1}, {@code true}, {@code [30, 60]}, {@code {a: 1}},
 * {@code null}, anything else a string; empty is the empty string). Paths use YAML key spelling and list indices
 * ({@code train.phases[1].epochs}); missing maps are created, list items must exist. The new nodes have source
 * {@code --set} and no line, so later errors read {@code --set train.epochs: ...}.
 */
public final class Overrides {
    /** The source name of override values in error messages. */
    public static final String SOURCE = "--set";

    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_-]+)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private Overrides() {}

    /** {@code root} with each override applied in order. */
    public static MapNode apply(MapNode root, List<String> overrides) {
        MapNode result = root;
        for (String raw : overrides) {
            int eq = raw.indexOf('=');
            if (eq < 0) throw new ConfigException(SOURCE, 0, raw, "expected key.path=value", null);
            String path = raw.substring(0, eq).strip();
            List<Object> steps = steps(path, raw, SOURCE);
            ConfigNode value = YamlReader.parseValue(raw.substring(eq + 1), SOURCE, 0, path);
            result = (MapNode) set(result, steps, 0, value, path, SOURCE);
        }
        return result;
    }

    /**
     * {@code root} with {@code value} placed at {@code path} ({@code train.phases[1].epochs}), as {@link #apply} does
     * for one override; errors name {@code source} (a sweep's {@code --sweep} or its file).
     */
    public static MapNode set(MapNode root, String path, ConfigNode value, String source) {
        return (MapNode) set(root, steps(path, path, source), 0, value, path, source);
    }

    /** Key names (String) and list indices (Integer) along {@code path}. */
    private static List<Object> steps(String path, String raw, String source) {
        List<Object> steps = new ArrayList<>();
        for (String part : path.split("\\.", -1)) {
            Matcher m = SEGMENT.matcher(part);
            if (!m.matches()) throw new ConfigException(source, 0, raw, "malformed key path '" + path + "'", null);
            steps.add(m.group(1));
            Matcher idx = INDEX.matcher(m.group(2));
            while (idx.find()) {
                try {
                    steps.add(Integer.parseInt(idx.group(1)));
                } catch (NumberFormatException e) {
                    throw new ConfigException(source, 0, raw, "index " + idx.group(1) + " is too large", null);
                }
            }
        }
        return steps;
    }

    private static ConfigNode set(ConfigNode node, List<Object> steps, int i, ConfigNode value, String path,
            String source) {
        if (i == steps.size()) return value;
        String here = prefix(steps, i);
        Object step = steps.get(i);
        if (step instanceof String key) {
            if (node == null) node = MapNode.empty(source, 0); // a section that did not exist yet
            if (!(node instanceof MapNode map)) {
                throw new ConfigException(source, 0, path, here + " is " + node.describe() + ", not a map", null);
            }
            Map<String, ConfigNode> entries = new LinkedHashMap<>(map.entries());
            entries.put(key, set(map.get(key), steps, i + 1, value, path, source));
            return new MapNode(entries, map.source(), map.line());
        }
        int index = (Integer) step;
        if (!(node instanceof ListNode list)) {
            String found = node == null ? "missing" : node.describe();
            throw new ConfigException(source, 0, path, here + " is " + found + ", not a list", null);
        }
        if (index >= list.items().size()) {
            String detail = "index " + index + " out of range (" + here + " has " + list.items().size() + " items)";
            throw new ConfigException(source, 0, path, detail, null);
        }
        List<ConfigNode> items = new ArrayList<>(list.items());
        items.set(index, set(items.get(index), steps, i + 1, value, path, source));
        return new ListNode(items, list.source(), list.line());
    }

    private static String prefix(List<Object> steps, int n) {
        StringBuilder sb = new StringBuilder();
        for (Object s : steps.subList(0, n)) {
            if (s instanceof Integer idx) sb.append('[').append(idx).append(']');
            else sb.append(sb.length() == 0 ? "" : ".").append(s);
        }
        return sb.toString();
    }
}
