package org.sparselab.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Suggest;

/**
 * Benchmarks by name ({@code train}, {@code strucspars}, …). An instance filled by one listing (the command's, which
 * asks {@link org.sparselab.methods.Methods#registerBenchmarks} for the methods' own); nothing registers itself.
 */
public final class BenchmarkRegistry {
    /** A registered benchmark: its name, one line for the listing, its {@code --param} keys (key → meaning). */
    public record Entry(String name, String summary, Map<String, String> params, Benchmark benchmark) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>(); // registration order = listing order

    /** Adds a benchmark that takes no {@code --param}. */
    public void register(String name, String summary, Benchmark benchmark) {
        register(name, summary, Map.of(), benchmark);
    }

    /**
     * Adds a benchmark.
     *
     * @param params the {@code --param} keys it reads, each with what it means (and its default)
     * @throws IllegalArgumentException on a duplicate or malformed name
     */
    public void register(String name, String summary, Map<String, String> params, Benchmark benchmark) {
        if (name == null || !name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("benchmark name must match [a-z0-9_]+: " + name);
        }
        if (entries.putIfAbsent(name, new Entry(name, summary, new LinkedHashMap<>(params), benchmark)) != null) {
            throw new IllegalArgumentException("benchmark '" + name + "' is already registered");
        }
    }

    /** Registered names in registration order. */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    /** Registered entries in registration order. */
    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /**
     * Benchmark {@code name}, its {@code params} checked against the keys it declares; an unknown name or key is a
     * {@link ConfigException} naming the nearest known ones.
     */
    public Entry get(String name, Map<String, String> params) {
        Entry e = entries.get(name);
        if (e == null) {
            String hint = Suggest.nearest(name, entries.keySet()).map(s -> " (did you mean " + s + "?)").orElse("");
            throw new ConfigException("bench", "unknown benchmark '" + name + "'" + hint + "; expected one of "
                    + String.join(", ", entries.keySet()));
        }
        for (String key : params.keySet()) {
            if (!e.params().containsKey(key)) {
                throw new ConfigException("--param", "bench " + name + " has no parameter '" + key + "'; it takes "
                        + (e.params().isEmpty() ? "none" : String.join(", ", e.params().keySet())));
            }
        }
        return e;
    }
}
