package org.sparselab.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.ConfigNode.ScalarNode;

/**
 * A sweep over config keys: the cartesian product of the {@code grid} axes and the {@code zip} groups (each group one
 * axis whose value lists move together), every point repeated over {@code seeds}. It comes from a config file's
 * {@code sweep:} block, from {@code --sweep}/{@code --zip}/{@code --seeds} flags, or both ({@link #withFlags}).
 *
 * <p>Points are numbered in a fixed order: the first grid key varies slowest, then the zip groups in order, then the
 * seed fastest; so a point's index, values and label depend on the sweep alone. Values are kept as the YAML nodes
 * written, so a bad value is reported at its file and line when the point's config is bound.
 */
@Doc("A sweep (the `sweep:` block of a config file, or the `sweep` command's flags): the cartesian product of the "
        + "grid axes and the zip groups, each point repeated over seeds. Keys are config key paths as `--set` takes "
        + "them (`train.optimizer.lr`, `train.phases[1].epochs`); values are any YAML.")
public record SweepConfig(
        @Doc("Sweep name: its directory `<output.dir>/<experiment>/sweeps/<name>/` and the MLflow parent run; "
                + "unset = the config's name.")
        @Default("null") String name,
        @Doc("Product axes: key path → list of values, e.g. `model.arch: [resnet20, resnet56]`; the first key "
                + "varies slowest.")
        @Default("{}") Map<String, List<ConfigNode>> grid,
        @Doc("Zip groups: within a group every key has a list of the same length and the i-th values go together "
                + "(one product axis per group).")
        @Default("[]") List<Map<String, List<ConfigNode>>> zip,
        @Doc("Repeat every point with seed = 0 … seeds-1 (the fastest axis); 0 keeps the config's seed.")
        @Default("0") int seeds) {

    /** The top-level key of the block in a config file. */
    public static final String KEY = "sweep";

    /** The key the seed axis sets. */
    public static final String SEED_KEY = "seed";

    /** Where flag values come from, in error messages. */
    public static final String FLAG_SOURCE = "--sweep";

    public static final String ZIP_SOURCE = "--zip";

    /** No axes: one point, the config as it is. */
    public static final SweepConfig NONE = new SweepConfig(null, Map.of(), List.of(), 0);

    public SweepConfig {
        grid = grid == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(grid));
        zip = zip == null ? List.of() : List.copyOf(zip);
        Check.nonNegative("seeds", seeds);
        if (name != null) Check.pathSegment("name", name);
        Set<String> seen = new LinkedHashSet<>();
        for (Map.Entry<String, List<ConfigNode>> e : grid.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                throw new ConfigException("grid." + e.getKey(), "empty value list");
            }
            claim(seen, e.getKey(), "grid." + e.getKey());
        }
        for (int g = 0; g < zip.size(); g++) {
            Map<String, List<ConfigNode>> group = zip.get(g);
            String at = "zip[" + g + "]";
            if (group == null || group.isEmpty()) throw new ConfigException(at, "empty zip group");
            Map<String, Integer> sizes = new LinkedHashMap<>();
            for (Map.Entry<String, List<ConfigNode>> e : group.entrySet()) {
                if (e.getValue() == null || e.getValue().isEmpty()) {
                    throw new ConfigException(at + "." + e.getKey(), "empty value list");
                }
                claim(seen, e.getKey(), at + "." + e.getKey());
                sizes.put(e.getKey(), e.getValue().size());
            }
            if (new LinkedHashSet<>(sizes.values()).size() > 1) {
                throw new ConfigException(at, "the lists of a zip group must have equal length, found " + sizes);
            }
        }
        if (seeds > 0 && seen.contains(SEED_KEY)) {
            throw new ConfigException("seeds", "seed is also swept as a key; use either seeds: N or a seed axis");
        }
    }

    private static void claim(Set<String> seen, String key, String at) {
        if (!seen.add(key)) throw new ConfigException(at, "key " + key + " is on more than one axis of the sweep");
    }

    /** The block of a config file ({@code null}: no block). Errors carry the {@code sweep.} key path. */
    public static SweepConfig of(ConfigNode block) {
        if (block == null) return NONE;
        return new ConfigBinder(new ConfigTypes()).bind(block, SweepConfig.class, KEY);
    }

    /** The block of a loaded config tree (or {@link #NONE}), and the tree without it. */
    public static Split split(MapNode tree) {
        ConfigNode block = tree.get(KEY);
        if (block == null) return new Split(NONE, tree);
        return new Split(of(block), ConfigFiles.without(tree, KEY));
    }

    /** A config tree split into its sweep block and the experiment config proper. */
    public record Split(SweepConfig sweep, MapNode config) {}

    /**
     * This sweep with command-line flags on top: {@code --sweep key=a,b,c} adds (or replaces) a grid axis,
     * {@code --zip 'k1=a,b;k2=x,y'} adds a zip group, {@code seeds} and {@code name} replace the block's when not
     * null. Values are inline YAML separated by commas outside brackets and quotes ({@code [30, 60],[40, 80]}).
     */
    public SweepConfig withFlags(List<String> gridFlags, List<String> zipFlags, Integer seeds, String name) {
        Map<String, List<ConfigNode>> g = new LinkedHashMap<>(grid);
        for (String flag : gridFlags) {
            Map.Entry<String, List<ConfigNode>> axis = parseAxis(flag, FLAG_SOURCE);
            g.put(axis.getKey(), axis.getValue());
        }
        List<Map<String, List<ConfigNode>>> z = new ArrayList<>(zip);
        for (String flag : zipFlags) {
            Map<String, List<ConfigNode>> group = new LinkedHashMap<>();
            for (String part : split(flag, ';')) {
                if (part.isBlank()) continue;
                Map.Entry<String, List<ConfigNode>> axis = parseAxis(part, ZIP_SOURCE);
                if (group.put(axis.getKey(), axis.getValue()) != null) {
                    throw new ConfigException(ZIP_SOURCE, 0, axis.getKey(), "key given twice in one zip group", null);
                }
            }
            if (group.isEmpty()) throw new ConfigException(ZIP_SOURCE, 0, flag, "expected k1=a,b;k2=x,y", null);
            z.add(group);
        }
        try {
            return new SweepConfig(name != null ? name : this.name, g, z, seeds != null ? seeds : this.seeds);
        } catch (ConfigException e) {
            if (e.source() != null) throw e;
            throw e.at(e.keyPath().startsWith("zip") ? ZIP_SOURCE : FLAG_SOURCE, 0);
        }
    }

    /** {@code key=a,b,c} as a key and its parsed values. */
    static Map.Entry<String, List<ConfigNode>> parseAxis(String flag, String source) {
        int eq = flag.indexOf('=');
        if (eq <= 0) throw new ConfigException(source, 0, flag, "expected key=value1,value2,...", null);
        String key = flag.substring(0, eq).strip();
        String text = flag.substring(eq + 1);
        if (text.isBlank()) throw new ConfigException(source, 0, key, "empty value list", null);
        List<ConfigNode> values = new ArrayList<>();
        List<String> parts = split(text, ',');
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).isBlank()) {
                throw new ConfigException(source, 0, key, "empty value at position " + (i + 1) + " of '" + text + "'",
                        null);
            }
            values.add(YamlReader.parseValue(parts.get(i).strip(), source, 0, key));
        }
        return Map.entry(key, values);
    }

    /** {@code text} split at {@code sep} where it stands outside brackets, braces and quotes. */
    static List<String> split(String text, char sep) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == sep && depth == 0) {
                parts.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        parts.add(cur.toString());
        return parts;
    }

    /** Whether the sweep has no axis at all (one point: the config itself). */
    public boolean isEmpty() {
        return grid.isEmpty() && zip.isEmpty() && seeds == 0;
    }

    /** The keys the sweep sets, in axis order. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>(grid.keySet());
        zip.forEach(g -> keys.addAll(g.keySet()));
        if (seeds > 0) keys.add(SEED_KEY);
        return keys;
    }

    /** Every point, numbered from 0 in the fixed order (first grid key slowest, seed fastest). */
    public List<Point> points() {
        List<List<Map<String, ConfigNode>>> axes = new ArrayList<>();
        grid.forEach((k, values) -> axes.add(values.stream().map(v -> Map.of(k, v)).toList()));
        for (Map<String, List<ConfigNode>> group : zip) {
            int n = group.values().iterator().next().size();
            List<Map<String, ConfigNode>> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Map<String, ConfigNode> row = new LinkedHashMap<>();
                for (Map.Entry<String, List<ConfigNode>> e : group.entrySet()) row.put(e.getKey(), e.getValue().get(i));
                rows.add(row);
            }
            axes.add(rows);
        }
        if (seeds > 0) {
            List<Map<String, ConfigNode>> rows = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                rows.add(Map.of(SEED_KEY, ScalarNode.ofInt(BigInteger.valueOf(s), "seeds", 0)));
            }
            axes.add(rows);
        }
        List<Point> points = new ArrayList<>();
        product(axes, 0, new LinkedHashMap<>(), points);
        return points;
    }

    private static void product(List<List<Map<String, ConfigNode>>> axes, int axis, Map<String, ConfigNode> acc,
            List<Point> out) {
        if (axis == axes.size()) {
            out.add(new Point(out.size(), acc));
            return;
        }
        for (Map<String, ConfigNode> row : axes.get(axis)) {
            Map<String, ConfigNode> next = new LinkedHashMap<>(acc);
            next.putAll(row);
            product(axes, axis + 1, next, out);
        }
    }

    /** One point: the index in the sweep and the value of every swept key, in axis order. */
    public record Point(int index, Map<String, ConfigNode> values) {
        public Point {
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        /** Each value as one-line YAML ({@link YamlWriter#flow}), for manifests and {@code --set} overrides. */
        public Map<String, String> texts() {
            Map<String, String> m = new LinkedHashMap<>();
            values.forEach((k, v) -> m.put(k, YamlWriter.flow(v)));
            return m;
        }

        /**
         * A short name for the point made of its values ({@code resnet20-0.5-s1}; the seed as {@code s<N>}),
         * restricted to the characters a config name allows; empty for a sweep without axes.
         */
        public String label() {
            List<String> parts = new ArrayList<>();
            values.forEach((k, v) -> {
                String text = YamlWriter.flow(v).replaceAll("[^A-Za-z0-9_.]+", "_").replaceAll("^_+|_+$", "");
                parts.add(k.equals(SEED_KEY) ? "s" + text : text.isEmpty() ? "x" : text);
            });
            String label = String.join("-", parts);
            return label.length() <= 80 ? label : "p" + index;
        }
    }
}
