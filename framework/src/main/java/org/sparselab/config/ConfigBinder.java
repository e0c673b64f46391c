package org.sparselab.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.sparselab.config.ConfigNode.Kind;
import org.sparselab.config.ConfigNode.ListNode;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.ConfigNode.ScalarNode;

/**
 * Builds an immutable config record from a {@link ConfigNode} tree by reflection over record components.
 *
 * <p>Supported component types: {@code int}, {@code long}, {@code double}, {@code float}, {@code boolean} and their
 * boxes (which also accept {@code null}), {@code String}, enums (matched case-insensitively), {@code List<T>},
 * {@code Map<String, T>}, nested records, {@link Variants} interfaces (resolved through {@link ConfigTypes}) and
 * {@link ConfigNode} (any YAML value, kept as written: sweep values, for instance).
 * A missing key takes its {@link Default}; without one it is an error, unless it is a record whose keys all have
 * defaults. Unknown keys are errors with a suggestion. Every error is a {@link ConfigException} naming the file,
 * line and full key path, including those thrown by a record's constructor with a key relative to the record.
 */
public final class ConfigBinder {
    private static final Pattern PATH_STEP = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    private final ConfigTypes types;

    public ConfigBinder(ConfigTypes types) {
        this.types = types;
    }

    /** The record of type {@code type} that {@code node} describes. */
    public <T extends Record> T bind(ConfigNode node, Class<T> type) {
        return bind(node, type, "");
    }

    /** The record {@code node} describes, where {@code node} sits at key path {@code path} (for error messages). */
    public <T extends Record> T bind(ConfigNode node, Class<T> type, String path) {
        return type.cast(record(node, type, path));
    }

    /** Whether every key of {@code type} (recursively) has a default, so a missing section can be built whole. */
    public static boolean hasAllDefaults(Class<?> type) {
        return hasAllDefaults(type, new HashSet<>());
    }

    private static boolean hasAllDefaults(Class<?> type, Set<Class<?>> seen) {
        if (!type.isRecord() || !seen.add(type)) return false;
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getAnnotation(Default.class) == null && !hasAllDefaults(c.getType(), seen)) return false;
        }
        return true;
    }

    /**
     * The value {@code c}'s {@link Default} binds to, or {@link #NO_DEFAULT} when it has none (or its default needs
     * a variant registry, which a default never should).
     */
    static Object defaultValue(RecordComponent c) {
        Default def = c.getAnnotation(Default.class);
        if (def == null) return NO_DEFAULT;
        String key = YamlKeys.of(c);
        try {
            return new ConfigBinder(new ConfigTypes())
                    .value(YamlReader.parseValue(def.value(), "<default>", 0, key), c.getGenericType(), key);
        } catch (RuntimeException e) {
            return NO_DEFAULT;
        }
    }

    /** {@link #defaultValue}'s answer for a component without a usable default. */
    static final Object NO_DEFAULT = new Object();

    private Object value(ConfigNode node, Type type, String path) {
        Class<?> raw = rawClass(type);
        if (raw == ConfigNode.class) return node; // "any YAML value": kept as written, with its location
        boolean isNull = node instanceof ScalarNode s && s.kind() == Kind.NULL;
        if (isNull) {
            // null lists and maps are allowed: they mean "unset" for optional keys such as data.mean.
            if (raw.isPrimitive()) throw mismatch(node, path, expected(type));
            return null;
        }
        if (raw == int.class || raw == Integer.class) return (int) integer(node, path, 31);
        if (raw == long.class || raw == Long.class) return integer(node, path, 63);
        if (raw == double.class || raw == Double.class) return number(node, path);
        if (raw == float.class || raw == Float.class) return (float) number(node, path);
        if (raw == boolean.class || raw == Boolean.class) {
            if (node instanceof ScalarNode s && s.kind() == Kind.BOOL) return s.value();
            throw mismatch(node, path, expected(type));
        }
        if (raw == String.class) {
            // Any scalar reads as its written text, so "version: 1.0" is the string "1.0".
            if (node instanceof ScalarNode s) return s.text();
            throw mismatch(node, path, expected(type));
        }
        if (raw.isEnum()) return enumValue(node, raw, path);
        if (raw == List.class) return list(node, typeArgument(type, 0, path), path);
        if (raw == Map.class) return map(node, type, path);
        if (raw.isRecord()) return record(node, raw.asSubclass(Record.class), path);
        if (raw.isInterface() && raw.isAnnotationPresent(Variants.class)) return variant(node, raw, path);
        throw new IllegalArgumentException("unsupported config type " + type.getTypeName() + " at " + path);
    }

    private static long integer(ConfigNode node, String path, int bits) {
        if (!(node instanceof ScalarNode s) || s.kind() != Kind.INT) throw mismatch(node, path, "an integer");
        BigInteger v = (BigInteger) s.value();
        if (v.bitLength() > bits) {
            long max = bits == 31 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            throw mismatch(node, path, "an integer in [" + (-max - 1) + ", " + max + "]");
        }
        return v.longValue();
    }

    private static double number(ConfigNode node, String path) {
        if (node instanceof ScalarNode s && s.kind() == Kind.INT) return ((BigInteger) s.value()).doubleValue();
        if (node instanceof ScalarNode s && s.kind() == Kind.FLOAT) return (Double) s.value();
        throw mismatch(node, path, "a number");
    }

    private static Object enumValue(ConfigNode node, Class<?> type, String path) {
        if (node instanceof ScalarNode s) {
            for (Object c : type.getEnumConstants()) {
                if (((Enum<?>) c).name().equalsIgnoreCase(s.text())) return c;
            }
        }
        List<String> names = enumNames(type);
        String hint = node instanceof ScalarNode s ? didYouMean(s.text(), names) : "";
        throw new ConfigException(node.source(), node.line(), path,
                "expected one of " + braces(names) + ", found " + node.describe() + hint, null);
    }

    private List<Object> list(ConfigNode node, Type element, String path) {
        if (!(node instanceof ListNode l)) throw mismatch(node, path, "a list");
        List<Object> out = new ArrayList<>();
        for (ConfigNode item : l.items()) out.add(value(item, element, path + "[" + out.size() + "]"));
        return Collections.unmodifiableList(out); // not List.copyOf: items of boxed types may be null
    }

    private Map<String, Object> map(ConfigNode node, Type type, String path) {
        if (rawClass(typeArgument(type, 0, path)) != String.class) {
            throw new IllegalArgumentException("config maps need String keys, at " + path);
        }
        if (!(node instanceof MapNode m)) throw mismatch(node, path, "a map");
        Type valueType = typeArgument(type, 1, path);
        Map<String, Object> out = new LinkedHashMap<>();
        m.entries().forEach((k, v) -> out.put(k, value(v, valueType, YamlKeys.join(path, k))));
        return Collections.unmodifiableMap(out);
    }

    private Object variant(ConfigNode node, Class<?> iface, String path) {
        String key = iface.getAnnotation(Variants.class).key();
        if (!(node instanceof MapNode m)) throw mismatch(node, path, "a map with key " + key);
        ConfigNode discriminator = m.get(key);
        String keyPath = YamlKeys.join(path, key);
        if (discriminator == null) {
            throw new ConfigException(m.source(), m.line(), "", "missing required key " + keyPath, null);
        }
        String name = discriminator instanceof ScalarNode s && s.kind() != Kind.NULL ? s.text() : null;
        Class<? extends Record> impl = name == null ? null : types.lookup(iface, name);
        if (impl == null) {
            List<String> names = List.copyOf(types.names(iface));
            String detail = "expected one of " + braces(names) + ", found " + discriminator.describe();
            throw new ConfigException(
                    discriminator.source(), discriminator.line(), keyPath, detail + didYouMean(name, names), null);
        }
        if (Arrays.stream(impl.getRecordComponents()).noneMatch(c -> YamlKeys.of(c).equals(key))) {
            throw new IllegalStateException(impl.getName() + " must declare a String component for key " + key);
        }
        return record(m, impl, path);
    }

    private Record record(ConfigNode node, Class<? extends Record> type, String path) {
        if (!(node instanceof MapNode map)) throw mismatch(node, path, "a map");
        RecordComponent[] components = type.getRecordComponents();
        List<String> keys = Arrays.stream(components).map(YamlKeys::of).toList();
        for (Map.Entry<String, ConfigNode> e : map.entries().entrySet()) {
            if (!keys.contains(e.getKey())) {
                String hint = Suggest.nearest(e.getKey(), keys)
                        .map(s -> " (did you mean " + YamlKeys.join(path, s) + "?)")
                        .orElse("");
                ConfigNode at = e.getValue();
                throw new ConfigException(
                        at.source(), at.line(), "", "unknown key " + YamlKeys.join(path, e.getKey()) + hint, null);
            }
        }
        Object[] args = new Object[components.length];
        Class<?>[] argTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            String keyPath = YamlKeys.join(path, keys.get(i));
            argTypes[i] = c.getType();
            ConfigNode child = map.get(keys.get(i));
            Default def = c.getAnnotation(Default.class);
            if (child == null && def != null) {
                child = YamlReader.parseValue(def.value(), map.source(), map.line(), keyPath);
            } else if (child == null && hasAllDefaults(c.getType())) {
                child = MapNode.empty(map.source(), map.line());
            } else if (child == null) {
                throw new ConfigException(map.source(), map.line(), "", "missing required key " + keyPath, null);
            }
            args[i] = value(child, c.getGenericType(), keyPath);
        }
        return construct(type, argTypes, args, map, path);
    }

    private static Record construct(Class<? extends Record> type, Class<?>[] argTypes, Object[] args, MapNode map,
            String path) {
        try {
            Constructor<? extends Record> ctor = type.getDeclaredConstructor(argTypes);
            ctor.setAccessible(true); // test and package-private records
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException ce && ce.source() == null) {
                ConfigNode at = locate(map, ce.keyPath());
                throw ce.within(path).at(at.source(), at.line());
            }
            if (cause instanceof IllegalArgumentException iae) {
                throw new ConfigException(map.source(), map.line(), path, String.valueOf(iae.getMessage()), iae);
            }
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException("constructing " + type.getName(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    /**
     * {@code e} located at the key it names in {@code root} (or the deepest enclosing section written there): for
     * checks made after binding, such as whether {@code output.dir} is writable. An error with a location stays.
     */
    public static ConfigException locate(ConfigNode root, ConfigException e) {
        if (e.source() != null || !(root instanceof MapNode map)) return e;
        ConfigNode at = locate(map, e.keyPath());
        return e.at(at.source(), at.line());
    }

    /** The deepest node along {@code relPath} ({@code phases[1].epochs}) that exists, starting at {@code map}. */
    private static ConfigNode locate(MapNode map, String relPath) {
        ConfigNode at = map;
        Matcher m = PATH_STEP.matcher(relPath);
        while (m.find()) {
            ConfigNode next = null;
            if (m.group(1) != null && at instanceof MapNode mn) next = mn.get(m.group(1));
            if (m.group(2) != null && at instanceof ListNode ln) {
                int i = Integer.parseInt(m.group(2));
                next = i < ln.items().size() ? ln.items().get(i) : null;
            }
            if (next == null) break;
            at = next;
        }
        return at;
    }

    private static ConfigException mismatch(ConfigNode node, String path, String expected) {
        return new ConfigException(node.source(), node.line(), path,
                "expected " + expected + ", found " + node.describe(), null);
    }

    private static String expected(Type type) {
        Class<?> raw = rawClass(type);
        if (raw == int.class || raw == long.class || raw == Integer.class || raw == Long.class) return "an integer";
        if (raw == double.class || raw == float.class || raw == Double.class || raw == Float.class) return "a number";
        if (raw == boolean.class || raw == Boolean.class) return "a boolean";
        if (raw == String.class) return "a string";
        if (raw == List.class) return "a list";
        return "a map";
    }

    static List<String> enumNames(Class<?> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                .toList();
    }

    static String braces(List<String> names) {
        return names.stream().collect(Collectors.joining(", ", "{", "}"));
    }

    private static String didYouMean(String word, List<String> names) {
        return Suggest.nearest(word, names).map(s -> " (did you mean " + s + "?)").orElse("");
    }

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) return c;
        if (type instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        if (type instanceof WildcardType w) return rawClass(w.getUpperBounds()[0]);
        if (type instanceof TypeVariable<?> v) return rawClass(v.getBounds()[0]);
        throw new IllegalArgumentException("unsupported config type " + type.getTypeName());
    }

    static Type typeArgument(Type type, int index, String path) {
        if (type instanceof ParameterizedType p) {
            Type arg = p.getActualTypeArguments()[index];
            return arg instanceof WildcardType w ? w.getUpperBounds()[0] : arg;
        }
        throw new IllegalArgumentException("raw collection type " + type.getTypeName() + " at " + path);
    }
}
