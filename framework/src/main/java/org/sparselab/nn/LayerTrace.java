package org.sparselab.nn;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects which {@link CostedLayer}s ran, with which shapes, during one forward pass on the calling thread. Layers
 * call {@link #record}; outside {@link #capture} it is a no-op costing one ThreadLocal read, so training pays nothing.
 *
 * <p>Tracing the real forward pass (instead of re-deriving shapes from the block tree) keeps the profiler correct
 * for any topology a method builds: branches, concatenations, gathers.
 */
public final class LayerTrace {
    /** One layer's execution: the layer and the shapes it saw. */
    public record Entry(CostedLayer layer, Shape input, Shape output) {}

    private static final ThreadLocal<List<Entry>> ACTIVE = new ThreadLocal<>();

    private LayerTrace() {}

    public static void record(CostedLayer layer, Shape input, Shape output) {
        List<Entry> entries = ACTIVE.get();
        if (entries != null) entries.add(new Entry(layer, input, output));
    }

    /** Runs {@code forward} with tracing on and returns the layers in execution order. */
    public static List<Entry> capture(Runnable forward) {
        List<Entry> previous = ACTIVE.get();
        List<Entry> entries = new ArrayList<>();
        ACTIVE.set(entries);
        try {
            forward.run();
        } finally {
            if (previous == null) ACTIVE.remove();
            else ACTIVE.set(previous);
        }
        return entries;
    }

    public static boolean active() {
        return ACTIVE.get() != null;
    }

}
