package org.sparselab.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigNode.MapNode;

/**
 * Loads a config record: file (with {@code extends:}), then {@code --set} overrides, then {@code ${env:...}}
 * references, then binding and validation. The result carries the resolved YAML and its SHA-256 for the run record.
 */
public final class ConfigLoader {
    /** The source name of configs parsed from a string. */
    public static final String STRING_SOURCE = "<string>";

    private ConfigLoader() {}

    /**
     * A bound config with its canonical YAML ({@link ConfigWriter#toYaml}), its identity hash (the SHA-256 of what
     * differs from the defaults, without the sections marked {@link NotHashed}: {@link ConfigWriter#identitySha256}),
     * and the tree it was bound from (for locating errors found after binding).
     */
    public record Loaded<T extends Record>(T config, String yaml, String sha256, ConfigNode tree) {
        static <T extends Record> Loaded<T> of(T config, ConfigNode tree) {
            String yaml = ConfigWriter.toYaml(config);
            return new Loaded<>(config, yaml, ConfigWriter.identitySha256(config), tree);
        }

        /** Runs a check of the bound config; a {@link ConfigException} it throws is located in the file. */
        public Loaded<T> check(java.util.function.Consumer<T> check) {
            try {
                check.accept(config);
                return this;
            } catch (ConfigException e) {
                throw ConfigBinder.locate(tree, e);
            }
        }
    }

    /** Loads {@code file} as a {@code type}, with {@code overrides} ({@code key.path=value}) and environment env. */
    public static <T extends Record> Loaded<T> load(
            Path file, List<String> overrides, Class<T> type, ConfigTypes types, Map<String, String> env) {
        return bind(ConfigFiles.load(file), overrides, type, types, env);
    }

    /** {@link #load(Path, List, Class, ConfigTypes, Map)} with the process environment. */
    public static <T extends Record> Loaded<T> load(
            Path file, List<String> overrides, Class<T> type, ConfigTypes types) {
        return load(file, overrides, type, types, System.getenv());
    }

    /** Parses YAML text (source {@code <string>}; no {@code extends:}) with overrides and environment {@code env}. */
    public static <T extends Record> Loaded<T> parse(
            String yaml, List<String> overrides, Class<T> type, ConfigTypes types, Map<String, String> env) {
        ConfigNode root = YamlReader.parse(yaml, STRING_SOURCE);
        if (!(root instanceof MapNode map)) {
            String detail = "expected a map at the top level, found " + root.describe();
            throw new ConfigException(STRING_SOURCE, root.line(), "", detail, null);
        }
        ConfigNode ext = map.get(ConfigFiles.EXTENDS);
        if (ext != null) {
            throw new ConfigException(
                    ext.source(), ext.line(), ConfigFiles.EXTENDS, "only a config file can extend others", null);
        }
        return bind(map, overrides, type, types, env);
    }

    /** Parses YAML text with no overrides and an empty environment (defaults of {@code ${env:...}} apply). */
    public static <T extends Record> Loaded<T> parse(String yaml, Class<T> type, ConfigTypes types) {
        return parse(yaml, List.of(), type, types, Map.of());
    }

    /** Parses YAML text for a type that has no {@link Variants}. */
    public static <T extends Record> Loaded<T> parse(String yaml, Class<T> type) {
        return parse(yaml, type, new ConfigTypes());
    }

    /**
     * Binds an already loaded tree (e.g. {@link ConfigFiles#load} with a block removed, or with sweep values set by
     * {@link Overrides#set}): overrides, then {@code ${env:...}}, then binding and validation.
     */
    public static <T extends Record> Loaded<T> bind(
            MapNode root, List<String> overrides, Class<T> type, ConfigTypes types, Map<String, String> env) {
        ConfigNode resolved = EnvInterpolation.apply(Overrides.apply(root, overrides), env);
        return Loaded.of(new ConfigBinder(types).bind(resolved, type), resolved);
    }
}
