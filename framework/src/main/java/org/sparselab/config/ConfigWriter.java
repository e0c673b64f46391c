package org.sparselab.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.sparselab.config.ConfigNode.ListNode;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.ConfigNode.ScalarNode;

/**
 * Writes a bound config record back as its resolved YAML: every key, defaults filled in, snake_case keys in record
 * component order, enums in lowercase, nulls as {@code null}.
 *
 * <p>This text is the run's provenance: binding it again gives an equal record, and its SHA-256 identifies the
 * configuration independently of how the original files were laid out.
 */
public final class ConfigWriter {
    /** The source name of trees built from records. */
    public static final String SOURCE = "<resolved>";

    private ConfigWriter() {}

    /** The tree of {@code config}. */
    public static MapNode toTree(Record config) {
        return (MapNode) node(config);
    }

    /** The canonical YAML text of {@code config}. */
    public static String toYaml(Record config) {
        return YamlWriter.write(toTree(config));
    }

    /** SHA-256 (lowercase hex) of {@link #toYaml}'s UTF-8 bytes: the whole resolved YAML. */
    public static String sha256(Record config) {
        return sha256(toYaml(config));
    }

    /**
     * The config's identity: SHA-256 of the YAML of {@code config} without the sections marked {@link NotHashed}
     * and without every key that holds its {@link Default} (a section left with no key goes too).
     *
     * <p>So a new option whose default keeps the old behaviour changes no identity: a stored {@code config.yaml}
     * written before the option existed binds (the key takes its default) to the identity today's config has, and
     * a sweep re-run with newer code skips the points it already has. Changing a default's value does change what
     * the key means for old records; such a change must come with a new key or be noted for users.
     */
    public static String identitySha256(Record config) {
        return sha256(YamlWriter.write(identityTree(config)));
    }

    /**
     * The identity this project used before defaults were left out: the resolved YAML {@code yaml} without the
     * top-level {@link NotHashed} sections. Kept so a checkpoint written then can still be resumed.
     */
    public static String legacyIdentitySha256(String yaml, Class<? extends Record> type) {
        List<String> dropped = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.isAnnotationPresent(NotHashed.class)) dropped.add(YamlKeys.of(c));
        }
        if (dropped.isEmpty()) return sha256(yaml);
        ConfigNode root = YamlReader.parse(yaml, SOURCE);
        if (!(root instanceof MapNode map)) return sha256(yaml);
        Map<String, ConfigNode> kept = new LinkedHashMap<>(map.entries());
        dropped.forEach(kept::remove);
        return sha256(YamlWriter.write(new MapNode(kept, SOURCE, 0)));
    }

    private static MapNode identityTree(Record r) {
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            if (c.isAnnotationPresent(NotHashed.class)) continue;
            Object value = read(c, r);
            if (Objects.equals(value, DEFAULTS.computeIfAbsent(c, ConfigBinder::defaultValue))) continue;
            if (value instanceof Record nested) {
                MapNode tree = identityTree(nested);
                if (tree.entries().isEmpty() && ConfigBinder.hasAllDefaults(c.getType())) continue;
                entries.put(YamlKeys.of(c), tree);
            } else {
                entries.put(YamlKeys.of(c), node(value));
            }
        }
        return new MapNode(entries, SOURCE, 0);
    }

    /** Bound defaults by component; binding one parses YAML, and a sweep hashes every point. */
    private static final Map<RecordComponent, Object> DEFAULTS = new java.util.concurrent.ConcurrentHashMap<>();

    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    private static ConfigNode node(Object value) {
        if (value == null) return ScalarNode.ofNull(SOURCE, 0);
        if (value instanceof ConfigNode n) return n.relocated(SOURCE, 0);
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ScalarNode.ofInt(BigInteger.valueOf(((Number) value).longValue()), SOURCE, 0);
        }
        // Through Float.toString so 0.1f prints as 0.1, which reads back as the same float.
        if (value instanceof Float f) return ScalarNode.ofFloat(Double.parseDouble(Float.toString(f)), SOURCE, 0);
        if (value instanceof Double d) return ScalarNode.ofFloat(d, SOURCE, 0);
        if (value instanceof Boolean b) return ScalarNode.ofBool(b, SOURCE, 0);
        if (value instanceof String s) return ScalarNode.ofString(s, SOURCE, 0);
        if (value instanceof Enum<?> e) return ScalarNode.ofString(e.name().toLowerCase(Locale.ROOT), SOURCE, 0);
        if (value instanceof List<?> list) {
            List<ConfigNode> items = new ArrayList<>();
            for (Object item : list) items.add(node(item));
            return new ListNode(items, SOURCE, 0);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, ConfigNode> entries = new LinkedHashMap<>();
            map.forEach((k, v) -> entries.put(String.valueOf(k), node(v)));
            return new MapNode(entries, SOURCE, 0);
        }
        if (value instanceof Record r) {
            Map<String, ConfigNode> entries = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) entries.put(YamlKeys.of(c), node(read(c, r)));
            return new MapNode(entries, SOURCE, 0);
        }
        throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as config YAML");
    }

    private static Object read(RecordComponent c, Record r) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true); // test and package-private records
            return accessor.invoke(r);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + c, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("accessor " + c + " failed", e.getCause());
        }
    }
}
