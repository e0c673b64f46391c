package org.sparselab.methods.masking;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.sparselab.metrics.LayerRow;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.metrics.Profiler;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.LayerKind;
import org.sparselab.nn.LinearFactory;
import org.sparselab.nn.LinearSpec;
import org.sparselab.nn.MaskedLayer;

/**
 * The masked layers of one model, as its mask method made them: the factories ask the method to convert each layer
 * its {@link LayerSelection} selects, remember what it made and why it left a selected layer dense; after the model
 * is built, {@link #collect} lists the masked layers in model order.
 *
 * <p>One instance per method instance, as one model is built per method instance. A rebuild for export uses other
 * factories, so it never registers here.
 */
public final class MaskedLayers {
    private final LayerSelection selection;
    private final Set<Block> made = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, String> exempt = new LinkedHashMap<>();
    private List<MaskedLayer> layers = List.of();
    private Map<String, Long> positions = Map.of();

    public MaskedLayers(LayerSelection selection) {
        this.selection = selection;
    }

    public LayerSelection selection() {
        return selection;
    }

    /**
     * Convolutions for the model: a selected kind goes to {@code convert}, which returns the method's block, or null
     * to leave the layer dense after saying why with {@link #exempt}; everything else is a dense conv.
     */
    public ConvFactory convFactory(Function<ConvSpec, Block> convert) {
        return spec -> {
            if (!selection.selects(LayerKind.of(spec))) return ConvFactory.dense().conv(spec);
            Block block = convert.apply(spec);
            if (block == null) {
                exempt.putIfAbsent(spec.path(), "left dense by the method");
                return ConvFactory.dense().conv(spec);
            }
            made.add(block);
            return block;
        };
    }

    /** The classifier: converted by {@code convert} when {@code classifier} is selected, else dense. */
    public LinearFactory linearFactory(Function<LinearSpec, Block> convert) {
        return spec -> {
            if (!selection.selects(LayerKind.CLASSIFIER)) return LinearFactory.dense().linear(spec);
            Block block = convert.apply(spec);
            if (block == null) {
                exempt.putIfAbsent(spec.path(), "left dense by the method");
                return LinearFactory.dense().linear(spec);
            }
            made.add(block);
            return block;
        };
    }

    /** Records that a selected layer stays dense, and why (listed in the run log by {@link #describe}). */
    public void exempt(String path, String reason) {
        exempt.put(path, reason);
    }

    /** Selected layers left dense: path → reason, in build order. */
    public Map<String, String> exemptions() {
        return Collections.unmodifiableMap(exempt);
    }

    /**
     * Finds the masked layers this instance made in {@code model}, in model order, and keeps them.
     *
     * @throws IllegalStateException when there are none (the model was not built with these factories, or the
     *     selection converts nothing in this architecture)
     */
    public List<MaskedLayer> collect(Block model, String method) {
        List<MaskedLayer> found = new ArrayList<>();
        walk(model, found);
        if (found.isEmpty()) {
            throw new IllegalStateException(method + ": the model has no layer this method converts (layers: "
                    + selection.names() + (exempt.isEmpty() ? "" : "; left dense: " + exempt) + ")");
        }
        layers = List.copyOf(found);
        return layers;
    }

    private void walk(Block block, List<MaskedLayer> out) {
        if (block instanceof MaskedLayer m && made.contains(block)) out.add(m);
        for (Block child : block.getChildren().values()) walk(child, out);
    }

    /** The blocks the factories made (masked layers and any other form a method builds), in build order. */
    public boolean madeHere(Block block) {
        return made.contains(block);
    }

    public List<MaskedLayer> layers() {
        return layers;
    }

    /** Records each layer's output positions (H'·W', 1 for a linear layer) from one traced forward pass. */
    public void measurePositions(Block model, Shape input, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            ModelProfile profile = Profiler.profile(model, input, scope);
            Map<String, Long> p = new LinkedHashMap<>();
            for (LayerRow row : profile.layers()) {
                Shape out = row.outputShape();
                p.put(row.path(), out.dimension() == 4 ? out.get(2) * out.get(3) : 1L);
            }
            positions = p;
        }
    }

    /** Output positions of the layer at {@code path} (after {@link #measurePositions}; 1 when unknown). */
    public long positions(String path) {
        return positions.getOrDefault(path, 1L);
    }

    /** {@code W ← W ⊙ M} in every layer. */
    public void applyMasksToWeights() {
        for (MaskedLayer l : layers) l.applyMaskToWeight();
    }

    public long totalWeights() {
        long n = 0;
        for (MaskedLayer l : layers) n += l.weightShape().size();
        return n;
    }

    public long keptWeights() {
        long n = 0;
        for (MaskedLayer l : layers) n += l.keptWeights();
        return n;
    }

    /** One line for the run log: how many layers, their density, and what was left dense. */
    public String describe() {
        long total = totalWeights();
        return String.format(java.util.Locale.ROOT, "%d masked layers (%s), %d of %d weights kept (%.2f %%)%s",
                layers.size(), String.join(", ", selection.names()), keptWeights(), total,
                total == 0 ? 0 : 100.0 * keptWeights() / total,
                exempt.isEmpty() ? "" : "; left dense: " + exempt);
    }
}
