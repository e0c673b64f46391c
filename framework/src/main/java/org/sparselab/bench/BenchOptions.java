package org.sparselab.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigException;
import org.sparselab.models.ModelRegistry;

/**
 * The options of {@code sparselab bench}; each benchmark reads those it needs. Benchmark-specific settings that the
 * shared options do not cover come as {@code --param KEY=VALUE} ({@link #params()}), declared by the benchmark when
 * it is registered, so a new benchmark adds knobs without a new command-line option.
 *
 * @param config experiment config whose data, model and batch size the data/train benchmarks use
 * @param overrides {@code --set KEY=VALUE} overrides of {@code config}
 * @param model architecture to benchmark, or null for the benchmark's own default
 * @param imageSize input height = width
 * @param classes classifier outputs
 * @param batches batch sizes to time
 * @param repeats timed passes per model and batch size
 * @param epochs epochs per loop ({@code bench train})
 * @param samples training images per epoch ({@code bench train})
 * @param noBare skip the bare DJL loop ({@code bench train})
 * @param params {@code --param} values by key
 */
public record BenchOptions(Path config, List<String> overrides, String model, int imageSize, int classes,
        int[] batches, int repeats, int epochs, int samples, boolean noBare, Map<String, String> params) {
    public BenchOptions {
        overrides = List.copyOf(overrides);
        batches = batches.clone();
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** The command line's defaults: CIFAR-shaped input, batch 1 and 64, 30 repeats. */
    public static BenchOptions defaults(Path config) {
        return new BenchOptions(config, List.of(), null, 32, 10, new int[] {1, 64}, 30, 4, 3840, false, Map.of());
    }

    @Override
    public int[] batches() {
        return batches.clone();
    }

    /** Untimed passes before the timed ones: a third of the repeats, at least 3. */
    public int warmup() {
        return Math.max(3, repeats / 3);
    }

    /** {@link #model()} or {@code fallback}, checked against {@code models} (unknown: a {@link ConfigException}). */
    public String model(ModelRegistry models, String fallback) {
        String m = model == null ? fallback : model;
        models.check("--model", m);
        return m;
    }

    /** Refuses input shapes no model here takes: {@code --image-size} < 8, {@code --classes} < 2, batches < 1. */
    public void checkShapes() {
        if (imageSize < 8 || classes < 2 || batches.length == 0 || Arrays.stream(batches).anyMatch(b -> b < 1)
                || repeats < 1) {
            throw new ConfigException("bench", "expected --image-size >= 8, --classes >= 2, positive --batches and "
                    + "--repeats >= 1, got " + imageSize + ", " + classes + ", " + Arrays.toString(batches) + ", "
                    + repeats);
        }
    }

    /** The {@code --param} value of {@code key}, or {@code fallback}. */
    public String param(String key, String fallback) {
        return params.getOrDefault(key, fallback);
    }

    /** A comma-separated list of numbers from {@code --param key=…}; a malformed one is a {@link ConfigException}. */
    public double[] doubles(String key, String fallback) {
        String v = param(key, fallback);
        try {
            return Arrays.stream(v.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new ConfigException("--param " + key, "expected comma-separated numbers (e.g. " + fallback
                    + "), found '" + v + "'");
        }
    }
}
