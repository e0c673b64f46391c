package org.sparselab.methods.pruneinit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.sparselab.methods.InitData;
import org.sparselab.methods.masking.ParameterSnapshot;
import org.sparselab.nn.MaskedLayer;
import org.sparselab.train.SmoothedCrossEntropy;

/**
 * The criteria's scores, one array per masked layer in weight layout; a higher score keeps the weight. Every
 * data-dependent pass runs on the model as initialised and leaves it exactly so ({@link ParameterSnapshot}: BN
 * statistics, signs) with no gradient behind.
 */
final class Scores {
    private Scores() {}

    /** Uniform random scores: random pruning (per layer at the budget's density). */
    static List<float[]> random(List<MaskedLayer> layers, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<float[]> out = new ArrayList<>();
        for (MaskedLayer l : layers) {
            float[] s = new float[(int) l.weightShape().size()];
            for (int i = 0; i < s.length; i++) s[i] = (float) rng.nextDouble();
            out.add(s);
        }
        return out;
    }

    /** |w| of the initialised weights. */
    static List<float[]> magnitude(List<MaskedLayer> layers) {
        List<float[]> out = new ArrayList<>();
        for (MaskedLayer l : layers) {
            float[] w = l.weight().getArray().toFloatArray();
            for (int i = 0; i < w.length; i++) w[i] = Math.abs(w[i]);
            out.add(w);
        }
        return out;
    }

    /** SNIP (Lee et al., 2019, eq. 6, up to its normalisation): |∂L/∂w ⊙ w|, the gradient summed over batches. */
    static List<float[]> snip(Block model, List<MaskedLayer> layers, InitData data, int batches, int batchSize,
            NDManager manager) {
        ParameterSnapshot saved = ParameterSnapshot.of(model);
        try {
            zeroGradients(model);
            SmoothedCrossEntropy ce = new SmoothedCrossEntropy(0);
            for (int b = 0; b < batches; b++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDList batch = data.batch(b, batchSize, scope);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.forward(new ParameterStore(scope, false), new NDList(batch.get(0)),
                                true).head();
                        gc.backward(ce.loss(logits, batch.get(1)));
                    }
                }
            }
            List<float[]> out = new ArrayList<>();
            for (MaskedLayer l : layers) {
                float[] g = l.weight().getArray().getGradient().toFloatArray();
                float[] w = l.weight().getArray().toFloatArray();
                for (int i = 0; i < g.length; i++) g[i] = Math.abs(g[i] * w[i]);
                out.add(g);
            }
            return out;
        } finally {
            zeroGradients(model);
            saved.restore();
        }
    }

    /**
     * GraSP (Wang et al., 2020, eq. 8, as the official {@code GraSP.py} computes it): g = Σ ∂L/∂θ over the two halves
     * of a class-balanced sample with logits divided by T, Hg = ∂(gᵀ ∂L/∂θ)/∂θ by double backward over every weight
     * of the network, and the score S = −θ ⊙ Hg, whose largest values are removed; the returned keep score is −S.
     */
    static List<float[]> grasp(Block model, List<MaskedLayer> layers, InitData data, int perClass, double temperature,
            NDManager manager) {
        ParameterSnapshot saved = ParameterSnapshot.of(model);
        try (NDManager scope = manager.newSubManager()) {
            NDList sample = data.balancedBatch(perClass, scope);
            long n = sample.get(0).getShape().get(0);
            NDList[] halves = {
                new NDList(sample.get(0).get("0:" + n / 2), sample.get(1).get("0:" + n / 2)),
                new NDList(sample.get(0).get(n / 2 + ":"), sample.get(1).get(n / 2 + ":"))};
            List<float[]> hg = hessianGradient(model, layers, halves, temperature, scope);
            List<float[]> out = new ArrayList<>();
            for (int li = 0; li < layers.size(); li++) {
                float[] w = layers.get(li).weight().getArray().toFloatArray();
                float[] h = hg.get(li);
                float[] keep = new float[w.length];
                for (int e = 0; e < w.length; e++) keep[e] = w[e] * h[e]; // −S = θ ⊙ Hg
                out.add(keep);
            }
            return out;
        } finally {
            zeroGradients(model);
            saved.restore();
        }
    }

    /**
     * Hg for each masked layer: g = Σ_halves ∂L/∂θ (a constant), then per half z = gᵀ ∂L/∂θ differentiated again,
     * summed; θ is every weight of the network (GraSP's {@code weights}: all conv and linear weights). Leaves the
     * gradients zeroed, not the BN statistics (callers restore those).
     */
    static List<float[]> hessianGradient(Block model, List<MaskedLayer> layers, NDList[] halves, double temperature,
            NDManager scope) {
        List<Parameter> weights = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (p.getValue().getType() == Parameter.Type.WEIGHT && p.getValue().requiresGradient()) {
                weights.add(p.getValue());
            }
        }
        zeroGradients(model);
        for (NDList half : halves) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(temperedLoss(model, half, temperature, scope));
            }
        }
        List<NDArray> g = new ArrayList<>();
        for (Parameter w : weights) {
            NDArray gi = w.getArray().getGradient().duplicate();
            gi.attach(scope);
            g.add(gi);
        }
        // Both halves' gradients with their graphs accumulate in .grad (out of place: G = g_f1 + g_f2); then
        // z = gᵀG, the sum of GraSP's per-half z, is differentiated once more: .grad becomes G + Hg.
        zeroGradients(model);
        List<float[]> hg = new ArrayList<>();
        try (NDManager pass = scope.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (NDList half : halves) {
                DoubleBackward.backward(temperedLoss(model, half, temperature, pass), true, true);
            }
            List<NDArray> sumGf = new ArrayList<>();
            NDArray z = null;
            for (int i = 0; i < weights.size(); i++) {
                NDArray gfi = weights.get(i).getArray().getGradient();
                gfi.attach(pass);
                sumGf.add(gfi);
                NDArray term = gfi.mul(g.get(i)).sum();
                z = z == null ? term : z.add(term);
            }
            DoubleBackward.backward(z, false, true);
            for (MaskedLayer layer : layers) {
                int wi = weights.indexOf(layer.weight());
                float[] after = layer.weight().getArray().getGradient().toFloatArray();
                float[] before = sumGf.get(wi).toFloatArray();
                for (int e = 0; e < after.length; e++) after[e] -= before[e];
                hg.add(after);
            }
        }
        zeroGradients(model);
        return hg;
    }

    /** Cross-entropy of the logits divided by T (GraSP's temperature), in training mode. */
    static NDArray temperedLoss(Block model, NDList batch, double temperature, NDManager manager) {
        NDArray logits = model.forward(new ParameterStore(manager, false), new NDList(batch.get(0)), true).head();
        NDArray tempered = logits.div(org.sparselab.nn.Constants.scalar(logits, temperature));
        return new SmoothedCrossEntropy(0).loss(tempered, batch.get(1));
    }

    /**
     * SynFlow's one pass (Tanaka et al., 2020, eq. 5, as the official {@code Pruners.SynFlow.score}): every
     * parameter replaced by its absolute value, the model in evaluation mode on an all-ones input, R = Σ output,
     * score |∂R/∂θ ⊙ θ|; then the signs (and everything else) restored. R is positively homogeneous in the input, so
     * an input scale that keeps float32 finite changes no ranking: it is lowered (raised) on overflow (underflow).
     */
    static List<float[]> synflow(Block model, List<MaskedLayer> layers, Shape input, NDManager manager) {
        ParameterSnapshot saved = ParameterSnapshot.of(model);
        try {
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.set(a.abs().toFloatArray());
            }
            double scale = 1;
            for (int attempt = 0; attempt < 8; attempt++) {
                zeroGradients(model);
                double r;
                try (NDManager scope = manager.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = scope.full(input, (float) scale);
                    NDArray out = model.forward(new ParameterStore(scope, false), new NDList(x), false).head();
                    NDArray sum = out.sum();
                    r = sum.getFloat();
                    if (Double.isFinite(r) && r > 0) gc.backward(sum);
                }
                if (Double.isInfinite(r) || Double.isNaN(r)) {
                    scale *= 1e-12;
                } else if (r == 0) {
                    scale *= 1e12;
                } else {
                    List<float[]> out = new ArrayList<>();
                    boolean finite = true;
                    for (MaskedLayer l : layers) {
                        float[] g = l.weight().getArray().getGradient().toFloatArray();
                        float[] w = l.weight().getArray().toFloatArray();
                        for (int i = 0; i < g.length; i++) {
                            g[i] = Math.abs(g[i] * w[i]);
                            finite &= Float.isFinite(g[i]);
                        }
                        out.add(g);
                    }
                    if (finite) return out;
                    scale *= 1e-12;
                }
            }
            throw new IllegalStateException("synflow: the linearised network's output stays non-finite in float32");
        } finally {
            zeroGradients(model);
            saved.restore();
        }
    }

    /** Zeroes (and detaches) every parameter gradient, so no scoring pass leaks into the first training step. */
    static void zeroGradients(Block model) {
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (p.getValue().requiresGradient()) DoubleBackward.zeroGradient(p.getValue().getArray());
        }
    }
}
