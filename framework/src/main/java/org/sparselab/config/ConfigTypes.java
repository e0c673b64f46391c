package org.sparselab.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one listing of variant records behind each {@link Variants} interface, e.g. {@code MethodConfig} →
 * {@code none → NoMethodConfig}. Filled explicitly by whoever owns the variants (no classpath scan).
 */
public final class ConfigTypes {
    private final Map<Class<?>, Map<String, Class<? extends Record>>> variants = new LinkedHashMap<>();

    public <T> ConfigTypes register(Class<T> iface, String name, Class<? extends Record> type) {
        if (!iface.isAssignableFrom(type)) throw new IllegalArgumentException(type + " does not implement " + iface);
        Map<String, Class<? extends Record>> byName = variants.computeIfAbsent(iface, k -> new LinkedHashMap<>());
        if (byName.putIfAbsent(name, type) != null) throw new IllegalArgumentException("duplicate variant " + name);
        return this;
    }

    public Class<? extends Record> lookup(Class<?> iface, String name) {
        return variants.getOrDefault(iface, Map.of()).get(name);
    }

    public Set<String> names(Class<?> iface) {
        return variants.getOrDefault(iface, Map.of()).keySet();
    }

    public Set<Class<?>> interfaces() {
        return variants.keySet();
    }
}
