package org.sparselab.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigNode.ListNode;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.ConfigNode.ScalarNode;

/**
 * Loads a config file and the files it {@code extends:}, deep-merged into one tree.
 *
 * <p>{@code extends:} (top level only) names one path or a list of paths, relative to the extending file. Bases load
 * first, left to right, each with its own bases; the file itself goes on top. Maps merge key by key (later wins);
 * lists and scalars replace whole, and an explicit {@code null} sets the key to null rather than deleting it.
 */
public final class ConfigFiles {
    /** The top-level key that names base files. */
    public static final String EXTENDS = "extends";

    private ConfigFiles() {}

    /** The merged tree of {@code file} and its bases, without the {@code extends} key. */
    public static MapNode load(Path file) {
        return load(file, file.toString(), new ArrayList<>(), null, 0);
    }

    private static MapNode load(Path file, String name, List<Path> chain, String fromSource, int fromLine) {
        Path id = file.toAbsolutePath().normalize();
        if (chain.contains(id)) {
            StringBuilder cycle = new StringBuilder();
            for (Path p : chain.subList(chain.indexOf(id), chain.size())) cycle.append(p.getFileName()).append(" -> ");
            cycle.append(id.getFileName());
            throw new ConfigException(fromSource, fromLine, EXTENDS, "cycle " + cycle, null);
        }
        if (!Files.isRegularFile(file)) {
            if (fromSource == null) throw new ConfigException(name, "no such config file");
            throw new ConfigException(fromSource, fromLine, EXTENDS, "no such config file " + name, null);
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(name, "cannot read config file (" + e.getMessage() + ")", e);
        }
        ConfigNode parsed = YamlReader.parse(text, name);
        if (!(parsed instanceof MapNode root)) {
            String detail = "expected a map at the top level, found " + parsed.describe();
            throw new ConfigException(name, parsed.line(), "", detail, null);
        }
        ConfigNode ext = root.get(EXTENDS);
        if (ext == null) return root;
        chain.add(id);
        MapNode merged = MapNode.empty(name, root.line());
        for (String base : basePaths(ext)) {
            Path basePath = file.resolveSibling(base).normalize();
            merged = merge(merged, load(basePath, basePath.toString(), chain, name, ext.line()));
        }
        chain.remove(chain.size() - 1);
        return merge(merged, without(root, EXTENDS));
    }

    private static List<String> basePaths(ConfigNode ext) {
        List<ConfigNode> items = ext instanceof ListNode l ? l.items() : List.of(ext);
        List<String> paths = new ArrayList<>();
        for (ConfigNode item : items) {
            if (!(item instanceof ScalarNode s) || s.kind() != ConfigNode.Kind.STRING || s.text().isBlank()) {
                String detail = "expected a path or a list of paths, found " + item.describe();
                throw new ConfigException(ext.source(), item.line(), EXTENDS, detail, null);
            }
            paths.add(s.text());
        }
        return paths;
    }

    /** {@code over} on top of {@code base}: maps merge recursively, anything else in {@code over} replaces. */
    public static MapNode merge(MapNode base, MapNode over) {
        Map<String, ConfigNode> entries = new LinkedHashMap<>(base.entries());
        over.entries().forEach((key, value) -> {
            ConfigNode old = entries.get(key);
            entries.put(key, old instanceof MapNode om && value instanceof MapNode nm ? merge(om, nm) : value);
        });
        return new MapNode(entries, over.source(), over.line());
    }

    static MapNode without(MapNode map, String key) {
        Map<String, ConfigNode> entries = new LinkedHashMap<>(map.entries());
        entries.remove(key);
        return new MapNode(entries, map.source(), map.line());
    }
}
