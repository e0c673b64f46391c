package org.sparselab.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.sparselab.nn.CostedLayer;
import org.sparselab.nn.LayerCost;
import org.sparselab.nn.LayerTrace;

/**
 * Counts a model's parameters and multiply-accumulates per layer by tracing one inference forward pass.
 *
 * <p>Costed layers ({@link CostedLayer}) report themselves to {@link LayerTrace} as they run, so the profile follows
 * the real execution: a layer run twice costs its MACs twice but its parameters once. Blocks that are not costed
 * layers (BatchNorm, …) cost no MACs here; their learnable parameters are counted as "other" (BatchNorm's running
 * mean and variance are state, not parameters, as in {@code sum(p.numel() for p in model.parameters())}).
 */
public final class Profiler {
    private Profiler() {}

    /**
     * Profiles {@code model} on one input of {@code inputShape} (batch 1, e.g. (1, 3, 32, 32)). An uninitialised
     * model is initialised in {@code manager}; the pass's arrays live in a sub-manager closed before returning.
     * Costed layers that do not run in the pass are not counted.
     */
    public static ModelProfile profile(Block model, Shape inputShape, NDManager manager) {
        if (!model.isInitialized()) model.initialize(manager, DataType.FLOAT32, inputShape);
        List<LayerTrace.Entry> entries;
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.ones(inputShape);
            entries = LayerTrace.capture(() -> model.forward(new ParameterStore(scope, false), new NDList(x), false));
        }
        Set<CostedLayer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<LayerRow> rows = new ArrayList<>();
        long params = 0, effectiveParams = 0, macs = 0, effectiveMacs = 0;
        for (LayerTrace.Entry e : entries) {
            CostedLayer layer = e.layer();
            LayerCost c = layer.cost(e.input(), e.output());
            boolean first = seen.add(layer);
            long p = first ? c.params() : 0;
            long ep = first ? c.effectiveParams() : 0;
            rows.add(new LayerRow(layer.path(), layer.kind(), e.input(), e.output(), c.shape(), c.groups(), p, ep,
                    c.macs(), c.effectiveMacs(), c.density()));
            params += p;
            effectiveParams += ep;
            macs += c.macs();
            effectiveMacs += c.effectiveMacs();
        }
        long other = otherParams(model, Collections.newSetFromMap(new IdentityHashMap<>()));
        return new ModelProfile(rows, params + other, effectiveParams + other, macs, effectiveMacs, other);
    }

    /** Learnable parameters of blocks that are not costed layers; each parameter counted once. */
    private static long otherParams(Block block, Set<Parameter> seen) {
        if (block instanceof CostedLayer) return 0; // counted from its LayerCost
        long n = 0;
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            Parameter param = p.getValue();
            Parameter.Type type = param.getType();
            if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) continue;
            if (seen.add(param)) n += param.getArray().getShape().size();
        }
        for (Pair<String, Block> child : block.getChildren()) n += otherParams(child.getValue(), seen);
        return n;
    }
}
