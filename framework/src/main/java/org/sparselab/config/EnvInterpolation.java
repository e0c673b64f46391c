package org.sparselab.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparselab.config.ConfigNode.ListNode;
import org.sparselab.config.ConfigNode.MapNode;
import org.sparselab.config.ConfigNode.ScalarNode;

/**
 * Replaces {@code ${env:VAR}} and {@code ${env:VAR:-default}} in string scalars with values from an environment map.
 *
 * <p>As in the shell, the default applies when the variable is unset or empty. A string that is exactly one
 * reference is re-read as a YAML scalar ({@code ${env:EPOCHS:-3}} becomes the integer 3); an embedded reference
 * stays text. Replaced text is not scanned again, and other {@code ${...}} forms are left alone.
 */
public final class EnvInterpolation {
    private static final String START = "${env:";
    private static final Pattern REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvInterpolation() {}

    /** {@code node} with every reference replaced; a variable that is unset and has no default is an error. */
    public static ConfigNode apply(ConfigNode node, Map<String, String> env) {
        return apply(node, env, "");
    }

    private static ConfigNode apply(ConfigNode node, Map<String, String> env, String path) {
        if (node instanceof MapNode m) {
            Map<String, ConfigNode> entries = new LinkedHashMap<>();
            m.entries().forEach((k, v) -> entries.put(k, apply(v, env, path.isEmpty() ? k : path + "." + k)));
            return new MapNode(entries, m.source(), m.line());
        }
        if (node instanceof ListNode l) {
            List<ConfigNode> items = new ArrayList<>();
            for (ConfigNode item : l.items()) items.add(apply(item, env, path + "[" + items.size() + "]"));
            return new ListNode(items, l.source(), l.line());
        }
        ScalarNode s = (ScalarNode) node;
        if (s.kind() != ConfigNode.Kind.STRING || !s.text().contains(START)) return s;
        String text = s.text();
        Matcher m = REF.matcher(text);
        if (m.matches()) {
            String value = lookup(m, env, s, path);
            if (value.isEmpty()) return ScalarNode.ofString("", s.source(), s.line());
            ConfigNode typed = YamlReader.parseValue(value, s.source(), s.line(), path);
            return typed instanceof ScalarNode ? typed : ScalarNode.ofString(value, s.source(), s.line());
        }
        StringBuilder out = new StringBuilder();
        int last = 0;
        m.reset();
        while (m.find()) {
            checkNoBrokenRef(text.substring(last, m.start()), s, path);
            out.append(text, last, m.start()).append(lookup(m, env, s, path));
            last = m.end();
        }
        checkNoBrokenRef(text.substring(last), s, path);
        out.append(text.substring(last));
        return ScalarNode.ofString(out.toString(), s.source(), s.line());
    }

    private static String lookup(Matcher m, Map<String, String> env, ScalarNode s, String path) {
        String value = env.get(m.group(1));
        boolean hasDefault = m.group(2) != null;
        if (value != null && !(value.isEmpty() && hasDefault)) return value;
        if (hasDefault) return m.group(2);
        String detail = "environment variable " + m.group(1) + " is not set and has no default";
        throw new ConfigException(s.source(), s.line(), path, detail, null);
    }

    private static void checkNoBrokenRef(String gap, ScalarNode s, String path) {
        if (gap.contains(START)) {
            throw new ConfigException(s.source(), s.line(), path,
                    "malformed reference in '" + s.text() + "' (expected ${env:VAR} or ${env:VAR:-default})", null);
        }
    }
}
