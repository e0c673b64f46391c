package org.sparselab.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flattens a resolved config into MLflow params: nested mappings become dotted keys ({@code train.epochs}).
 *
 * <p>A list of scalars becomes one param holding its YAML flow text ({@code [0.1, 0.2]}), because such lists are
 * values (milestones, seeds) one filters on as a whole; a list that holds mappings (phases) is indexed,
 * {@code train.phases.0.epochs}, so each field stays a comparable column. Nulls are {@code null}; empty mappings and
 * lists are {@code {}} and {@code []}. Keys come out sorted.
 */
public final class ConfigParams {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigParams() {}

    public static Map<String, String> flatten(String resolvedYaml) {
        try {
            JsonNode root = YAML.readTree(resolvedYaml);
            Map<String, String> out = new TreeMap<>();
            if (root != null && !root.isMissingNode()) flatten("", root, out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse the resolved config", e);
        }
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject() && n.size() > 0) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (n.isArray() && n.size() > 0 && containsContainer(n)) {
            for (int i = 0; i < n.size(); i++) flatten(prefix + "." + i, n.get(i), out);
        } else {
            out.put(prefix, flow(n));
        }
    }

    private static boolean containsContainer(JsonNode array) {
        for (JsonNode x : array) if (x.isContainerNode()) return true;
        return false;
    }

    private static String flow(JsonNode n) {
        if (n.isNull() || n.isMissingNode()) return "null";
        if (n.isObject()) return "{}";
        if (n.isArray()) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) sb.append(", ");
                JsonNode x = n.get(i);
                sb.append(x.isTextual() ? quoteIfNeeded(x.asText()) : flow(x));
            }
            return sb.append(']').toString();
        }
        return n.asText();
    }

    private static String quoteIfNeeded(String s) {
        return s.matches("[A-Za-z_][A-Za-z0-9_./-]*") ? s : "'" + s.replace("'", "''") + "'";
    }
}
