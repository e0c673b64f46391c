package org.sparselab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs grouped into settings: runs whose configs are equal up to the seed (and keys that do not change results, such
 * as output paths) form one group, whose numbers are reported as mean ± std over its runs.
 *
 * <p>Grouping by the whole config, not by a few named keys, means runs that differ in anything else (a learning
 * rate, a shuffle type) are never averaged together as if they were seeds; such differences become the group's
 * variant label. Runs of the same setting and seed (the same config run twice) count once: the latest.
 *
 * <p>Dense baseline of a group ("same protocol"): the group of the baseline method with the same model and dataset;
 * when there are several, the one that shares the most other config values with the group (the first on ties).
 */
public final class RunGroups {
    /** Keys that never tell settings apart. */
    static final List<String> ALWAYS_IGNORED = List.of("seed", "name", "device", "tracking.", "output.", "data.root",
            "data.workers", "data.download", "train.compile");

    private final RunTable runs;
    private final ReportConfig cfg;
    private final List<Group> groups;
    private final int duplicates;

    /** One setting: its identifying values and its runs (row indices into the run table). */
    public final class Group {
        private final Map<String, String> settings;
        private final List<Integer> rows = new ArrayList<>();
        private String variant = "";

        private Group(Map<String, String> settings) {
            this.settings = settings;
        }

        /** The config values (params without prefix) that define the group, sorted by key. */
        public Map<String, String> settings() {
            return settings;
        }

        public List<Integer> rows() {
            return List.copyOf(rows);
        }

        public int n() {
            return rows.size();
        }

        public String method() {
            return value(cfg.method());
        }

        public String model() {
            return value(cfg.model());
        }

        public String dataset() {
            return value(cfg.dataset());
        }

        /** The target value, or "" for runs without one. */
        public String target() {
            return cfg.target() == null ? "" : value(cfg.target());
        }

        /** What sets this group apart from others of its method, model, dataset and target ("" when nothing). */
        public String variant() {
            return variant;
        }

        public boolean isBaseline() {
            String b = cfg.baseline();
            int eq = b.indexOf('=');
            // "key=value" names the baseline by a setting (e.g. method.shuffle=fixed), else it is a method name.
            return eq < 0 ? method().equals(b) : sameValue(value(b.substring(0, eq).trim()), b.substring(eq + 1).trim());
        }

        /** A key's value in this group ("" when absent or null); short keys as in {@link #matches}. */
        public String value(String key) {
            String column = ReportConfig.column(alias(key));
            if (column.startsWith(RunTable.PARAMS)) {
                String v = settings.get(column.substring(RunTable.PARAMS.length()));
                if (v == null) v = runs.text(rows.get(0), column); // an ignored key: the first run's
                return v == null || v.equals("null") ? "" : v;
            }
            String v = runs.text(rows.get(0), column);
            return v == null ? "" : v;
        }

        /** Statistics of a numeric column over the group's runs. */
        public Stats stats(String column) {
            double[] v = new double[rows.size()];
            for (int i = 0; i < v.length; i++) v[i] = runs.number(rows.get(i), column);
            return Stats.of(v);
        }

        /** Statistics of the accuracy column, in percent. */
        public Stats accuracyPct() {
            return stats(cfg.metric()).times(100);
        }

        /** The texts of a column over the group's runs (run ids, config hashes). */
        public List<String> texts(String column) {
            return rows.stream().map(r -> runs.text(r, column)).filter(Objects::nonNull).toList();
        }

        /** Whether every {@code key → value} holds; keys may be short ({@code method}, {@code target}, …). */
        public boolean matches(Map<String, String> select) {
            for (Map.Entry<String, String> e : select.entrySet()) {
                String actual = valueOf(this, e.getKey());
                if (!sameValue(actual, e.getValue())) return false;
            }
            return true;
        }

        /** method, variant, model, dataset and target in one line, e.g. {@code strucspars (shuffle=fixed) resnet20 …}. */
        public String label() {
            StringBuilder sb = new StringBuilder(method());
            if (!variant.isEmpty()) sb.append(" (").append(variant).append(')');
            if (!target().isEmpty()) sb.append(" @ ").append(target());
            sb.append(", ").append(model()).append(", ").append(dataset());
            return sb.toString();
        }

        /** A file-name-safe form of {@link #label}. */
        public String slug() {
            return label().replaceAll("[^A-Za-z0-9_.]+", "_").replaceAll("^_+|_+$", "");
        }
    }

    /** Groups the runs of {@code runs} (call {@link RunTable#finished} first to leave unfinished runs out). */
    public RunGroups(RunTable runs, ReportConfig cfg) {
        this.runs = runs;
        this.cfg = cfg;
        List<Integer> kept = dedupe();
        this.duplicates = runs.size() - kept.size();
        Map<Map<String, String>, Group> byKey = new LinkedHashMap<>();
        for (int row : kept) {
            Map<String, String> settings = settings(row);
            byKey.computeIfAbsent(settings, Group::new).rows.add(row);
        }
        List<Group> list = new ArrayList<>(byKey.values());
        assignVariants(list);
        list.sort(Comparator.comparing(Group::model).thenComparing(Group::dataset)
                .thenComparing(g -> !g.isBaseline()).thenComparing(Group::method)
                .thenComparing(Group::target, RunGroups::compareValues).thenComparing(Group::variant));
        this.groups = List.copyOf(list);
    }

    public List<Group> groups() {
        return groups;
    }

    public RunTable runs() {
        return runs;
    }

    public ReportConfig config() {
        return cfg;
    }

    /** Runs left out because a later run had the same setting and seed. */
    public int duplicates() {
        return duplicates;
    }

    /** The groups that match {@code select} ({@link Group#matches}). */
    public List<Group> select(Map<String, String> select) {
        return groups.stream().filter(g -> g.matches(select)).toList();
    }

    /**
     * What {@code g} shares with the groups it is compared with when only {@code key} varies: its model, dataset and
     * every other setting. Groups with equal contexts differ in {@code key} alone.
     */
    public String contextOf(Group g, String key) {
        Map<String, String> rest = new TreeMap<>(g.settings);
        String column = ReportConfig.column(alias(key));
        if (column.startsWith(RunTable.PARAMS)) rest.remove(column.substring(RunTable.PARAMS.length()));
        return g.model() + "|" + g.dataset() + "|" + rest;
    }

    /** A key's value in {@code g}; {@code variant} is the group's variant label. */
    public String valueOf(Group g, String key) {
        return key.equals("variant") && cfg.variant() == null ? g.variant() : g.value(key);
    }

    /** The dense baseline of {@code g} (see the class comment), or null for a baseline group or when there is none. */
    public Group baselineOf(Group g) {
        if (g.isBaseline()) return null;
        Group best = null;
        int bestShared = -1;
        for (Group b : groups) {
            if (!b.isBaseline() || !b.model().equals(g.model()) || !b.dataset().equals(g.dataset())) continue;
            int shared = 0;
            for (Map.Entry<String, String> e : b.settings.entrySet()) {
                if (e.getValue().equals(g.settings.get(e.getKey()))) shared++;
            }
            if (shared > bestShared) {
                best = b;
                bestShared = shared;
            }
        }
        return best;
    }

    /** Whether two values are the same: numerically when both are numbers ({@code 0.5} = {@code 0.50}), else text. */
    public static boolean sameValue(String a, String b) {
        if (a == null || b == null) return Objects.equals(a, b);
        Double x = number(a);
        Double y = number(b);
        if (x != null && y != null) return x.doubleValue() == y.doubleValue();
        return a.equals(b);
    }

    /** Numbers in numeric order before texts in text order; blank first. */
    static int compareValues(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) return Boolean.compare(!a.isEmpty(), !b.isEmpty());
        Double x = number(a);
        Double y = number(b);
        if (x != null && y != null) return Double.compare(x, y);
        if (x != null) return -1;
        if (y != null) return 1;
        return a.compareTo(b);
    }

    static Double number(String s) {
        try {
            return Double.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String alias(String key) {
        return switch (key) {
            case "method" -> cfg.method();
            case "model" -> cfg.model();
            case "dataset" -> cfg.dataset();
            case "target" -> cfg.target() == null ? "target" : cfg.target();
            case "variant" -> cfg.variant() == null ? "variant" : cfg.variant();
            default -> key;
        };
    }

    private boolean ignored(String key) {
        for (String prefix : ALWAYS_IGNORED) {
            if (prefix.endsWith(".") ? key.startsWith(prefix) : key.equals(prefix)) return true;
        }
        for (String k : cfg.ignore()) {
            String p = ReportConfig.column(k).substring(RunTable.PARAMS.length());
            if (key.equals(p) || key.startsWith(p + ".")) return true;
        }
        return false;
    }

    private Map<String, String> settings(int row) {
        Map<String, String> s = new TreeMap<>();
        for (String col : runs.table().columnNames()) {
            if (!col.startsWith(RunTable.PARAMS)) continue;
            String key = col.substring(RunTable.PARAMS.length());
            String v = runs.text(row, col);
            if (v != null && !ignored(key)) s.put(key, v);
        }
        return s;
    }

    /**
     * The latest run (by start time) of each setting and seed, in table order: the same config run twice (again by
     * hand, or in a second sweep whose runs differ only in name and parent run) counts once.
     */
    private List<Integer> dedupe() {
        Map<String, Integer> latest = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            String key = settings(i) + "|seed=" + runs.text(i, RunTable.PARAMS + "seed");
            Integer prev = latest.get(key);
            String t = Objects.toString(runs.text(i, RunTable.START_TIME), "");
            if (prev == null || t.compareTo(Objects.toString(runs.text(prev, RunTable.START_TIME), "")) > 0) {
                latest.put(key, i);
            }
        }
        List<Integer> kept = new ArrayList<>(latest.values());
        kept.sort(Integer::compare);
        return kept;
    }

    /**
     * Sets each group's variant: the configured variant key's value, then every other key whose value differs among
     * the groups of the same method, model, dataset and target, as {@code key=value} with the shortest unambiguous key.
     */
    private void assignVariants(List<Group> list) {
        Map<List<String>, List<Group>> cells = new LinkedHashMap<>();
        for (Group g : list) {
            cells.computeIfAbsent(List.of(g.method(), g.model(), g.dataset(), g.target()), k -> new ArrayList<>())
                    .add(g);
        }
        String variantKey = cfg.variant() == null ? null
                : ReportConfig.column(cfg.variant()).substring(RunTable.PARAMS.length());
        Set<String> identity = new LinkedHashSet<>();
        for (String k : List.of(cfg.method(), cfg.model(), cfg.dataset(), cfg.target() == null ? "" : cfg.target())) {
            String c = ReportConfig.column(k);
            if (c.startsWith(RunTable.PARAMS)) identity.add(c.substring(RunTable.PARAMS.length()));
        }
        for (List<Group> cell : cells.values()) {
            Set<String> differing = new LinkedHashSet<>();
            if (cell.size() > 1) {
                Set<String> keys = new java.util.TreeSet<>();
                cell.forEach(g -> keys.addAll(g.settings.keySet()));
                for (String k : keys) {
                    if (identity.contains(k) || k.equals(variantKey)) continue;
                    Set<String> values = new LinkedHashSet<>();
                    cell.forEach(g -> values.add(String.valueOf(g.settings.get(k))));
                    if (values.size() > 1) differing.add(k);
                }
            }
            Map<String, String> shortNames = shortNames(differing);
            for (Group g : cell) {
                List<String> parts = new ArrayList<>();
                if (variantKey != null) {
                    String v = g.settings.get(variantKey);
                    if (v != null && !v.equals("null")) parts.add(v);
                }
                for (String k : differing) parts.add(shortNames.get(k) + "=" + g.settings.getOrDefault(k, "—"));
                g.variant = String.join(", ", parts);
            }
        }
    }

    /** The last segment of each key, or more segments where two keys would read alike. */
    private static Map<String, String> shortNames(Set<String> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : keys) {
            String[] parts = k.split("\\.");
            for (int n = 1; n <= parts.length; n++) {
                String cand = String.join(".", java.util.Arrays.copyOfRange(parts, parts.length - n, parts.length));
                long clashes = keys.stream().filter(o -> !o.equals(k) && (o.equals(cand) || o.endsWith("." + cand)))
                        .count();
                if (clashes == 0 || n == parts.length) {
                    out.put(k, cand);
                    break;
                }
            }
        }
        return out;
    }
}
