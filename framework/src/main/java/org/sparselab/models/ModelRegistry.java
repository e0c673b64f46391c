package org.sparselab.models;

import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Suggest;

/**
 * Model architectures by registry name ({@code resnet56}, {@code shufflenet_v2_x1_0}, …). An instance, filled by
 * {@link Models#defaults()}; nothing registers itself.
 */
public final class ModelRegistry {
    /** The config key a model name comes from; errors name it. */
    public static final String KEY = "model.arch";

    private record Entry(String name, double publishedParamsM, ModelBuilder builder) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>(); // registration order = listing order

    /**
     * Adds a model.
     *
     * @param publishedParamsM dense parameter count (millions) at the model's reference setting as published or as
     *     the reference implementation counts it; {@code Double.NaN} when no such figure exists
     * @throws IllegalArgumentException on a duplicate or malformed name
     */
    public void register(String name, double publishedParamsM, ModelBuilder builder) {
        if (name == null || !name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("model name must match [a-z0-9_]+: " + name);
        }
        if (entries.putIfAbsent(name, new Entry(name, publishedParamsM, builder)) != null) {
            throw new IllegalArgumentException("model '" + name + "' is already registered");
        }
    }

    /** Builds model {@code name} for {@code ctx}; an unknown name is a {@link ConfigException} on {@link #KEY}. */
    public Block create(String name, ModelContext ctx) {
        return entry(name).builder().build(ctx);
    }

    /** Registered names in registration order. */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** Published dense parameter count in millions, {@code NaN} when none is known. */
    public double publishedParamsM(String name) {
        return entry(name).publishedParamsM();
    }

    /** Throws a {@link ConfigException} on {@code key} naming the nearest known models when {@code name} is unknown. */
    public void check(String key, String name) {
        if (!entries.containsKey(name)) {
            String hint = Suggest.nearest(name, entries.keySet()).map(s -> " (did you mean " + s + "?)").orElse("");
            throw new ConfigException(
                    key, "unknown model '" + name + "'" + hint + "; known: " + String.join(", ", entries.keySet()));
        }
    }

    private Entry entry(String name) {
        check(KEY, name);
        return entries.get(name);
    }
}
