package org.sparselab.config;

import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates the Markdown reference of a config schema from its records: every key path with its type, default and
 * {@link Doc} text, and one subsection per variant of each {@link Variants} key.
 *
 * <p>The output depends only on the records and the registration order in {@link ConfigTypes}, so a test can check
 * that the committed {@code docs/config.md} is up to date.
 */
public final class ConfigDocs {
    private ConfigDocs() {}

    private record Row(String key, String type, String def, String doc) {}

    private record Pending(String path, Class<?> iface) {}

    /** The reference for {@code root} and the variants registered in {@code types}. */
    public static String markdown(Class<? extends Record> root, ConfigTypes types) {
        StringBuilder sb = new StringBuilder("# Configuration reference\n\n");
        paragraph(sb, root.getAnnotation(Doc.class));
        sb.append("Generated from the config records by `ConfigDocs`; do not edit by hand. ")
                .append("`[]` stands for every item of a list and `<key>` for every key of a map.\n\n");
        body(sb, root, "", types, "##");
        return sb.toString().stripTrailing() + "\n";
    }

    /**
     * A further section of the reference for another file or block ({@code heading}, e.g. the {@code sweep:} block),
     * whose keys are written under {@code prefix} ({@code ""} for a file of its own).
     */
    public static String section(String heading, String intro, Class<? extends Record> root, String prefix,
            ConfigTypes types) {
        StringBuilder sb = new StringBuilder("## ").append(heading).append("\n\n");
        if (intro != null && !intro.isBlank()) sb.append(intro.strip()).append("\n\n");
        paragraph(sb, root.getAnnotation(Doc.class));
        body(sb, root, prefix, types, "###");
        return sb.toString().stripTrailing() + "\n";
    }

    private static void body(StringBuilder sb, Class<? extends Record> root, String prefix, ConfigTypes types,
            String level) {
        Deque<Pending> pending = new ArrayDeque<>();
        List<Row> rows = new ArrayList<>();
        fields(root, prefix, rows, pending, new HashSet<>());
        table(sb, rows);
        Set<Pending> done = new HashSet<>();
        while (!pending.isEmpty()) {
            Pending p = pending.poll();
            if (!done.add(p)) continue;
            String key = p.iface().getAnnotation(Variants.class).key();
            sb.append(level).append(" `").append(p.path()).append("` variants\n\n");
            paragraph(sb, p.iface().getAnnotation(Doc.class));
            if (types.names(p.iface()).isEmpty()) sb.append("No variants are registered.\n\n");
            for (String name : types.names(p.iface())) {
                Class<? extends Record> impl = types.lookup(p.iface(), name);
                sb.append(level).append("# `").append(p.path()).append("` when `").append(key).append(": ")
                        .append(name).append("`\n\n");
                paragraph(sb, impl.getAnnotation(Doc.class));
                List<Row> variantRows = new ArrayList<>();
                fields(impl, p.path(), variantRows, pending, new HashSet<>());
                table(sb, variantRows);
            }
        }
    }

    private static void fields(
            Class<?> record, String path, List<Row> rows, Deque<Pending> pending, Set<Class<?>> stack) {
        if (!stack.add(record)) return; // a recursive schema is documented once per path
        for (RecordComponent c : record.getRecordComponents()) {
            String key = YamlKeys.join(path, YamlKeys.of(c));
            Class<?> raw = c.getType();
            Default def = c.getAnnotation(Default.class);
            String defText = def != null ? "`" + def.value() + "`"
                    : ConfigBinder.hasAllDefaults(raw) ? "(all keys have defaults)" : "required";
            Doc doc = c.getAnnotation(Doc.class);
            if (doc == null) doc = raw.getAnnotation(Doc.class);
            String docText = doc == null ? "" : doc.value();
            rows.add(new Row("`" + key + "`", typeName(c.getGenericType(), false), defText, docText));
            descend(c.getGenericType(), key, rows, pending, stack);
        }
        stack.remove(record);
    }

    private static void descend(Type type, String path, List<Row> rows, Deque<Pending> pending, Set<Class<?>> stack) {
        Class<?> raw = ConfigBinder.rawClass(type);
        if (raw.isRecord()) {
            fields(raw, path, rows, pending, stack);
        } else if (raw == List.class) {
            descend(ConfigBinder.typeArgument(type, 0, path), path + "[]", rows, pending, stack);
        } else if (raw == Map.class) {
            descend(ConfigBinder.typeArgument(type, 1, path), path + ".<key>", rows, pending, stack);
        } else if (raw.isInterface() && raw.isAnnotationPresent(Variants.class)) {
            pending.add(new Pending(path, raw));
        }
    }

    /** A human name for a config type: integer, number, boolean, string, one of {a, b}, list of …, section. */
    static String typeName(Type type, boolean plural) {
        Class<?> raw = ConfigBinder.rawClass(type);
        String s = plural ? "s" : "";
        if (raw == int.class || raw == long.class) return "integer" + s;
        if (raw == double.class || raw == float.class) return "number" + s;
        if (raw == boolean.class) return "boolean" + s;
        if (raw == Integer.class || raw == Long.class) return "integer" + s + " or null";
        if (raw == Double.class || raw == Float.class) return "number" + s + " or null";
        if (raw == Boolean.class) return "boolean" + s + " or null";
        if (raw == String.class) return "string" + s;
        if (raw == ConfigNode.class) return "any YAML value" + s;
        if (raw.isEnum()) return "one of " + ConfigBinder.braces(ConfigBinder.enumNames(raw));
        // Items of a List<Integer> are integers, not "integers or null": the box is only there for the generic.
        if (raw == List.class) return "list" + s + " of " + typeName(unboxed(argument(type, 0)), true);
        if (raw == Map.class) return "map" + s + " of string to " + typeName(unboxed(argument(type, 1)), false);
        if (raw.isRecord()) return "section" + s;
        if (raw.isAnnotationPresent(Variants.class)) {
            return "variant" + s + " by `" + raw.getAnnotation(Variants.class).key() + "`";
        }
        return raw.getSimpleName();
    }

    private static Type argument(Type type, int index) {
        return ConfigBinder.typeArgument(type, index, "");
    }

    private static Type unboxed(Type type) {
        if (type == Integer.class) return int.class;
        if (type == Long.class) return long.class;
        if (type == Double.class) return double.class;
        if (type == Float.class) return float.class;
        if (type == Boolean.class) return boolean.class;
        return type;
    }

    private static void paragraph(StringBuilder sb, Doc doc) {
        if (doc != null) sb.append(doc.value().strip()).append("\n\n");
    }

    private static void table(StringBuilder sb, List<Row> rows) {
        sb.append("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n");
        for (Row r : rows) {
            sb.append("| ").append(cell(r.key())).append(" | ").append(cell(r.type())).append(" | ")
                    .append(cell(r.def())).append(" | ").append(cell(r.doc())).append(" |\n");
        }
        sb.append('\n');
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replaceAll("\\s*\\n\\s*", " ").strip();
    }
}
