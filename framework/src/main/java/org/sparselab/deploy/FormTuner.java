package org.sparselab.deploy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparselab.metrics.Latency;
import org.sparselab.nn.MemoryFormat;

/**
 * Picks the fastest of several exact forms of one layer by timing them on the device they will run on.
 *
 * <p>For each batch size the forms run on the same random input, one pass of each per round, the starting form
 * rotating from round to round, so load changes on a shared machine and cache warmth hit every form alike; each pass
 * ends by reading one output element (the device has finished). The statistic is the median over the timed rounds.
 *
 * <p>The rule: the first form is the <em>reference</em> (what the layer costs without the method, e.g. the dense
 * conv). A form is eligible when its median is no larger than the reference's at <em>every</em> batch size; among the
 * eligible the one with the smallest geometric mean of its time ratios to the reference wins (ties: the earlier
 * form). So a chosen form is never slower than the reference at a tuned batch size, and a layer where no form beats
 * the reference keeps it — {@link FormChoice#beatsReference()} says which happened.
 *
 * <p>Before timing, every form's output is checked against the reference's on the first batch (relative difference
 * at most {@value #TOLERANCE}), so a method cannot deploy a form that computes something else.
 */
public final class FormTuner {
    /** Largest |form − reference| allowed, relative to the reference output's largest magnitude. */
    public static final double TOLERANCE = 1e-4;

    private FormTuner() {}

    /**
     * Chooses among {@code forms} for inputs shaped {@code sampleInput} with its batch size replaced by each of
     * {@code tuning}'s, laid out in {@code format}.
     *
     * @param layer the layer's path, for the record and for errors
     * @param forms initialised candidate blocks computing the same function; the first is the reference
     * @param sampleInput the layer's input shape (any batch size)
     * @param manager the manager (and so the device) inputs are made on: the one the model runs on
     * @throws IllegalStateException when a form's output differs from the reference's
     */
    public static FormChoice choose(String layer, List<Form> forms, Shape sampleInput, MemoryFormat format,
            DeployTuning tuning, NDManager manager) {
        List<String> names = forms.stream().map(Form::name).toList();
        if (forms.isEmpty()) throw new IllegalArgumentException(layer + ": no form to choose from");
        if (forms.size() == 1 || !tuning.enabled()) return FormChoice.untimed(layer, names, 0);
        List<Integer> batches = tuning.batchSizes();
        double[][] median = new double[forms.size()][batches.size()];
        for (int b = 0; b < batches.size(); b++) {
            double[][] ms = time(layer, forms, sampleInput, batches.get(b), format, tuning, manager, b == 0);
            for (int f = 0; f < forms.size(); f++) {
                Arrays.sort(ms[f]);
                median[f][b] = Latency.percentile(ms[f], 0.5);
            }
        }
        return new FormChoice(layer, names, batches, median, pick(median));
    }

    /** The rule of the class comment, on {@code medianMs[form][batch]}. */
    static int pick(double[][] medianMs) {
        int best = 0;
        double bestScore = 0; // log of the geometric mean ratio; the reference's is 0
        for (int f = 1; f < medianMs.length; f++) {
            double score = 0;
            boolean eligible = true;
            for (int b = 0; b < medianMs[f].length; b++) {
                double ratio = medianMs[f][b] / medianMs[0][b];
                eligible &= ratio <= 1;
                score += Math.log(ratio);
            }
            score /= medianMs[f].length;
            if (eligible && score < bestScore) {
                best = f;
                bestScore = score;
            }
        }
        return best;
    }

    private static double[][] time(String layer, List<Form> forms, Shape sample, int batch, MemoryFormat format,
            DeployTuning tuning, NDManager manager, boolean check) {
        int n = forms.size();
        double[][] ms = new double[n][tuning.repeats()];
        try (NDManager scope = manager.newSubManager()) {
            long[] dims = sample.getShape();
            dims[0] = batch;
            NDArray x = format.apply(scope.randomNormal(new Shape(dims)));
            ParameterStore ps = new ParameterStore(scope, false);
            if (check) checkSameFunction(layer, forms, x, ps, scope);
            for (int round = 0; round < tuning.warmup() + tuning.repeats(); round++) {
                for (int j = 0; j < n; j++) {
                    int f = (round + j) % n;
                    try (NDManager pass = scope.newSubManager()) {
                        pass.tempAttachAll(x); // activations die with the pass; x returns to scope
                        long t0 = System.nanoTime();
                        NDArray y = forms.get(f).block().forward(ps, new NDList(x), false).head();
                        y.get(0).get(0).toFloatArray(); // one element back: the device is done
                        if (round >= tuning.warmup()) ms[f][round - tuning.warmup()] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        }
        return ms;
    }

    private static void checkSameFunction(String layer, List<Form> forms, NDArray x, ParameterStore ps,
            NDManager scope) {
        try (NDManager pass = scope.newSubManager()) {
            pass.tempAttachAll(x);
            NDArray ref = forms.get(0).block().forward(ps, new NDList(x), false).head();
            double scale = Math.max(1e-6, ref.abs().max().getFloat());
            for (Form f : forms.subList(1, forms.size())) {
                NDArray y = f.block().forward(ps, new NDList(x), false).head();
                double diff = ref.sub(y).abs().max().getFloat();
                if (!(diff <= TOLERANCE * scale)) {
                    throw new IllegalStateException(layer + ": deployment form '" + f.name() + "' differs from '"
                            + forms.get(0).name() + "' by " + diff + " (outputs up to " + scale + ")");
                }
            }
        }
    }
}
