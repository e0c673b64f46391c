package org.sparselab.methods.masking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.sparselab.config.ConfigException;
import org.sparselab.nn.LayerKind;

/**
 * Which kinds of layer a mask method converts: the {@code layers:} option of every mask method, with one vocabulary
 * ({@link LayerKind}: stem, block, pointwise, depthwise, shortcut, head, classifier) and one validation.
 *
 * @param kinds the selected kinds (never empty)
 */
public record LayerSelection(Set<LayerKind> kinds) {
    public LayerSelection {
        kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
    }

    /**
     * The selection a config names under {@code key}, each name one a method {@code supports}.
     *
     * @throws ConfigException naming the entry, what was expected and the kinds this method can convert
     */
    public static LayerSelection parse(String key, List<String> names, Collection<LayerKind> supports) {
        if (names == null || names.isEmpty()) {
            throw ConfigException.expected(key, "at least one of " + configNames(supports), names);
        }
        EnumSet<LayerKind> kinds = EnumSet.noneOf(LayerKind.class);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            LayerKind kind = LayerKind.configNames().contains(name) ? LayerKind.named(name) : null;
            if (kind == null || !supports.contains(kind)) {
                throw ConfigException.expected(key + "[" + i + "]", "one of " + configNames(supports), name);
            }
            kinds.add(kind);
        }
        return new LayerSelection(kinds);
    }

    public boolean selects(LayerKind kind) {
        return kinds.contains(kind);
    }

    /** The selected kinds' config names, in {@link LayerKind} order. */
    public List<String> names() {
        return configNames(EnumSet.copyOf(kinds));
    }

    private static List<String> configNames(Collection<LayerKind> kinds) {
        List<String> out = new ArrayList<>();
        for (LayerKind k : LayerKind.values()) if (kinds.contains(k)) out.add(k.configName());
        return out;
    }
}
