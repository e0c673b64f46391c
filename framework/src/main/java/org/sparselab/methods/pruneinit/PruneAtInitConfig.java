package org.sparselab.methods.pruneinit;

import java.util.List;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;
import org.sparselab.methods.Method;
import org.sparselab.methods.MethodConfig;
import org.sparselab.methods.masking.LayerSelection;
import org.sparselab.methods.ssc.SscConfig;
import org.sparselab.nn.LayerKind;

/**
 * A pruning-at-initialisation baseline; the method name is the criterion ({@code random}, {@code magnitude},
 * {@code snip}, {@code grasp}, {@code synflow}), so report rows name it.
 */
@Doc("Pruning at initialisation (the baselines SSC is compared with): score the initialised weights, keep a budget "
        + "with an exact top-k, train with the mask fixed. name = criterion: random | magnitude | snip | grasp | "
        + "synflow.")
public record PruneAtInitConfig(
        @Doc("Criterion: random | magnitude | snip | grasp | synflow.") String name,
        @Doc("Fraction of the selected layers' weights kept, in (0, 1]; or set match.") @Default("null")
                Double density,
        @Doc("An SSC method config whose masks set the budget: layerwise scope keeps in each layer what SSC keeps "
                + "there, global scope the same total, so both have the same non-zero count.") @Default("null")
                SscConfig match,
        @Doc("global (one top-k over all selected layers) | layerwise (each layer its own budget). Default: "
                + "layerwise for random, global for the others (their papers' choices).") @Default("null")
                String scope,
        @Doc("Layer kinds pruned (the shared mask-method vocabulary, classifier included); default: match's layers, "
                + "else [block].") @Default("null") List<String> layers,
        @Doc("SNIP: batches of the training data the gradient is summed over.") @Default("1") int scoreBatches,
        @Doc("SNIP: images per batch.") @Default("128") int scoreBatchSize,
        @Doc("GraSP: images per class in its class-balanced sample (GraSP's CIFAR setting: 10).") @Default("10")
                int graspSamplesPerClass,
        @Doc("GraSP: softmax temperature T (GraSP: 200).") @Default("200") double graspTemperature,
        @Doc("SynFlow: pruning iterations, density d^(t/n) after iteration t (Tanaka et al.: 100).") @Default("100")
                int synflowIterations)
        implements MethodConfig {
    public static final List<String> CRITERIA = List.of("random", "magnitude", "snip", "grasp", "synflow");
    public static final List<LayerKind> KINDS = List.of(LayerKind.values());

    public PruneAtInitConfig {
        Check.oneOf("name", name, CRITERIA);
        if ((density == null) == (match == null)) {
            throw new ConfigException("density", "set exactly one of density (a fraction of weights kept) and match "
                    + "(an SSC method config whose non-zero count to match)");
        }
        if (density != null && !(density > 0 && density <= 1)) {
            throw ConfigException.expected("density", "a fraction in (0, 1]", density);
        }
        if (scope == null) scope = name.equals("random") ? "layerwise" : "global";
        Check.oneOf("scope", scope, List.of("global", "layerwise"));
        if (layers == null) layers = match != null ? match.layers() : List.of("block");
        layers = LayerSelection.parse("layers", layers, KINDS).names();
        Check.positive("score_batches", scoreBatches);
        Check.positive("score_batch_size", scoreBatchSize);
        Check.positive("grasp_samples_per_class", graspSamplesPerClass);
        Check.positive("grasp_temperature", graspTemperature);
        Check.positive("synflow_iterations", synflowIterations);
    }

    public LayerSelection selection() {
        return LayerSelection.parse("layers", layers, KINDS);
    }

    @Override
    public Method create() {
        return new PruneAtInit(this);
    }
}
