package org.sparselab.studies;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigFiles;
import org.sparselab.config.ConfigLoader;
import org.sparselab.config.ConfigNode;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.ConfigNode.ScalarNode;
import org.sparselab.config.Overrides;
import org.sparselab.config.SweepConfig;
import org.sparselab.experiments.ExperimentConfig;
import org.sparselab.experiments.Schema;

/**
 * What a sweep runs: one or more entries (a config file, its {@code --set} overrides and its sweep), expanded into
 * child configs. A child is the entry's file with the overrides, then the point's values, then three keys the sweep
 * owns: {@code name} (the config's name and the point's label), {@code tracking.experiment} (one experiment for every
 * child) and {@code tracking.parent_run_id} (the sweep's MLflow parent run). Its resolved YAML and SHA-256 are what
 * the loader gives, so a child run is exactly {@code ./sparselab run <child.yaml>}.
 */
public final class SweepPlan {
    /** One config file with its overrides and sweep. */
    public record Entry(Path config, List<String> sets, SweepConfig sweep) {
        public Entry {
            sets = List.copyOf(sets);
        }
    }

    /** One child: its number in the sweep, label, values, the entry it came from and its resolved config. */
    public record Child(int index, String label, Map<String, String> values, Entry entry,
            ConfigLoader.Loaded<ExperimentConfig> loaded) {
        public String sha256() {
            return loaded.sha256();
        }

        public ExperimentConfig config() {
            return loaded.config();
        }
    }

    private final String name;
    private final String experiment;
    private final List<Entry> entries;

    /**
     * @param name the sweep's name (its directory and MLflow parent run); null = the first child's config name
     * @param experiment the experiment of every child; null = the first child's
     */
    public SweepPlan(String name, String experiment, List<Entry> entries) {
        if (entries.isEmpty()) throw new ConfigException("runs", "a sweep needs at least one config");
        if (name != null) Check.pathSegment("name", name);
        this.name = name;
        this.experiment = experiment;
        this.entries = List.copyOf(entries);
    }

    /** One config file: its {@code sweep:} block with the command-line flags on top. */
    public static SweepPlan of(Path config, List<String> sets, List<String> gridFlags, List<String> zipFlags,
            Integer seeds, String name) {
        SweepConfig sweep = SweepConfig.split(ConfigFiles.load(config)).sweep()
                .withFlags(gridFlags, zipFlags, seeds, name);
        return new SweepPlan(sweep.name(), null, List.of(new Entry(config, sets, sweep)));
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * Every child config, numbered across entries in order, with {@code parentRunId} (may be null) set;
     * {@code validate} sees each config (registry checks such as the model name). All children must share
     * {@code output.dir} and {@code tracking.uri}, and no two may be the same config apart from their names.
     */
    public Expansion expand(String parentRunId, Map<String, String> env, Consumer<ExperimentConfig> validate) {
        List<Child> children = new ArrayList<>();
        String exp = experiment;
        String sweepName = name;
        Map<Map<String, Object>, Integer> seen = new LinkedHashMap<>();
        for (Entry e : entries) {
            MapNode base = Overrides.apply(SweepConfig.split(ConfigFiles.load(e.config())).config(), e.sets());
            for (SweepConfig.Point p : e.sweep().points()) {
                MapNode tree = base;
                for (Map.Entry<String, ConfigNode> v : p.values().entrySet()) {
                    tree = Overrides.set(tree, v.getKey(), v.getValue(), v.getValue().source());
                }
                ExperimentConfig plain = bind(tree, env).config();
                if (exp == null) exp = plain.experimentName();
                if (sweepName == null) sweepName = plain.name();
                String label = p.label();
                String childName = label.isEmpty() ? plain.name() : plain.name() + "-" + label;
                tree = Overrides.set(tree, "name", ScalarNode.ofString(childName, "sweep", 0), "sweep");
                tree = Overrides.set(tree, "tracking.experiment", ScalarNode.ofString(exp, "sweep", 0), "sweep");
                tree = Overrides.set(tree, "tracking.parent_run_id", parentRunId == null
                        ? ScalarNode.ofNull("sweep", 0) : ScalarNode.ofString(parentRunId, "sweep", 0), "sweep");
                ConfigLoader.Loaded<ExperimentConfig> loaded = bind(tree, env);
                loaded.check(validate);
                Child child = new Child(children.size(), label, p.texts(), e, loaded);
                Integer twin = seen.putIfAbsent(identity(loaded.config()), child.index());
                if (twin != null) {
                    throw new ConfigException(e.config().toString(), "points " + twin + " and " + child.index()
                            + " of the sweep are the same config (" + p.texts() + "); drop one");
                }
                children.add(child);
            }
        }
        checkShared(children);
        return new Expansion(sweepName, exp, children);
    }

    private static ConfigLoader.Loaded<ExperimentConfig> bind(MapNode tree, Map<String, String> env) {
        return ConfigLoader.bind(tree, List.of(), ExperimentConfig.class, Schema.types(), env);
    }

    /** A config without the keys the sweep sets for every child, to find two points that would run the same. */
    private static Map<String, Object> identity(ExperimentConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", c.seed());
        m.put("data", c.data());
        m.put("model", c.model());
        m.put("method", c.method());
        m.put("train", c.train());
        m.put("output", c.output());
        m.put("device", c.device());
        return m;
    }

    private static void checkShared(List<Child> children) {
        Set<String> outputs = new LinkedHashSet<>();
        Set<String> uris = new LinkedHashSet<>();
        for (Child c : children) {
            outputs.add(c.config().output().dir());
            uris.add(c.config().tracking().uri());
        }
        if (outputs.size() > 1) {
            throw new ConfigException("output.dir", "every point of a sweep must write to one output.dir, found "
                    + outputs);
        }
        if (uris.size() > 1) {
            throw new ConfigException("tracking.uri", "every point of a sweep must log to one tracking.uri, found "
                    + uris);
        }
    }

    /** The expanded sweep: its name, the experiment of its children, and the children. */
    public record Expansion(String name, String experiment, List<Child> children) {
        public ExperimentConfig first() {
            return children.get(0).config();
        }

        /** {@code <output.dir>/<experiment>}: where the children's run records go. */
        public Path runsDir(Path projectDir) {
            return projectDir.resolve(first().output().dir()).resolve(experiment);
        }

        /** {@code <output.dir>/<experiment>/sweeps/<name>}: the manifest, child configs and logs. */
        public Path sweepDir(Path projectDir) {
            return runsDir(projectDir).resolve("sweeps").resolve(name);
        }

        public String trackingUri() {
            return first().tracking().uri();
        }
    }
}
