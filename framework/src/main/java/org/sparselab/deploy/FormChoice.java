package org.sparselab.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link FormTuner} chose for one layer and what it measured.
 *
 * @param layer the layer's path (or {@code model} for a whole-model choice)
 * @param forms the candidates' names; the first is the reference
 * @param batchSizes the batch sizes timed
 * @param medianMs {@code medianMs[form][batch]}: median milliseconds per forward pass (empty when untimed)
 * @param chosen the kept form's index in {@code forms}
 */
public record FormChoice(String layer, List<String> forms, List<Integer> batchSizes, double[][] medianMs, int chosen) {
    public FormChoice {
        forms = List.copyOf(forms);
        batchSizes = List.copyOf(batchSizes);
    }

    /** A choice made without timing (tuning off, or a single candidate). */
    public static FormChoice untimed(String layer, List<String> forms, int chosen) {
        return new FormChoice(layer, forms, List.of(), new double[0][], chosen);
    }

    /** The kept form's name. */
    public String form() {
        return forms.get(chosen);
    }

    /** The reference form's name (the first candidate: what the layer would be without the method, e.g. dense). */
    public String reference() {
        return forms.get(0);
    }

    public boolean timed() {
        return medianMs.length > 0;
    }

    /** Whether some form was faster than the reference at every batch size, so the reference was not kept. */
    public boolean beatsReference() {
        return chosen != 0;
    }

    /** Reference time ÷ chosen form's time at {@code batchSizes().get(i)}. */
    public double speedup(int i) {
        return medianMs[0][i] / medianMs[chosen][i];
    }

    /**
     * For the run's record: {@code {layer, form, reference, beats_reference, median_ms: {form: {b1: …, b64: …}},
     * speedup: {b1: …, b64: …}}} (timings only when timed).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", layer);
        m.put("form", form());
        m.put("reference", reference());
        m.put("beats_reference", beatsReference());
        if (timed()) {
            Map<String, Object> ms = new LinkedHashMap<>();
            for (int f = 0; f < forms.size(); f++) {
                Map<String, Double> perBatch = new LinkedHashMap<>();
                for (int b = 0; b < batchSizes.size(); b++) perBatch.put("b" + batchSizes.get(b), medianMs[f][b]);
                ms.put(forms.get(f), perBatch);
            }
            m.put("median_ms", ms);
            Map<String, Double> speedup = new LinkedHashMap<>();
            for (int b = 0; b < batchSizes.size(); b++) speedup.put("b" + batchSizes.get(b), speedup(b));
            m.put("speedup", speedup);
        } else {
            m.put("forms", forms);
        }
        return m;
    }
}
