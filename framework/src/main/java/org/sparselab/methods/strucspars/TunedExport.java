package org.sparselab.methods.strucspars;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.sparselab.deploy.DeployTuning;
import org.sparselab.deploy.Form;
import org.sparselab.deploy.FormChoice;
import org.sparselab.deploy.FormTuner;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.GatherFolding;
import org.sparselab.nn.LayerTrace;
import org.sparselab.nn.MemoryFormat;
import org.sparselab.nn.PermutedGroupConv2d;

/**
 * StrucSpars' autotuned export (issue 15 §1): each grouped layer is timed, on its own input shape and the run's
 * device, in every exact form — a dense conv over its block-diagonal weight (the reference: as fast as the dense
 * model's layer), one grouped conv between its gathers, per-group convs — in each memory format the engine runs
 * ({@link MemoryFormat}), and {@link FormTuner} keeps the fastest that is nowhere slower than dense. Then whole models
 * are timed the same way: all layers dense (the reference), the tuned model with gathers folded and unfolded, the
 * tuned channels-last model and the dense one in channels-last; the fastest is deployed. So the deployed model is
 * never slower than the dense one at a tuned batch size (as measured), and a layer where no form beats dense says so.
 */
final class TunedExport {
    /** The deployed model and what was chosen and measured, for {@code summary.json}'s {@code deployed}. */
    record Result(Block deployed, Map<String, Object> report) {}

    private TunedExport() {}

    static Result export(Block trained, List<GroupableLayer> layers, Function<ConvFactory, Block> rebuild,
            Shape inputShape, DeployTuning tuning) {
        NDManager manager = layers.get(0).conv().weight().getArray().getManager();
        Map<String, Shape> inputs = layerInputs(trained, inputShape, layers, manager);
        List<MemoryFormat> formats = new ArrayList<>();
        for (MemoryFormat f : MemoryFormat.values()) if (f.supported()) formats.add(f);

        // Per layer and format: the fastest exact form.
        Map<MemoryFormat, Map<String, String>> kernels = new LinkedHashMap<>();
        List<Map<String, Object>> layerRows = new ArrayList<>();
        for (MemoryFormat format : formats) {
            Map<String, String> chosen = new HashMap<>();
            for (GroupableLayer l : layers) {
                FormChoice c = tuneLayer(l, inputs.get(l.path()), format, tuning, manager);
                chosen.put(l.path(), c.form());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("format", format.configName());
                row.put("groups", l.groups());
                row.putAll(c.toMap());
                layerRows.add(row);
            }
            kernels.put(format, chosen);
        }

        // Whole models: the reference first, then every combination worth timing.
        Map<String, Function<NDManager, Block>> models = new LinkedHashMap<>();
        Map<String, String> allDense = new HashMap<>();
        for (GroupableLayer l : layers) allDense.put(l.path(), GroupedExport.DENSE);
        models.put("dense", m -> GroupedExport.export(trained, layers, rebuild, inputShape, allDense,
                MemoryFormat.NCHW, false, m));
        for (MemoryFormat format : formats) {
            String suffix = format == MemoryFormat.NCHW ? "" : "+" + format.configName();
            Map<String, String> k = kernels.get(format);
            models.put("tuned" + suffix, m -> GroupedExport.export(trained, layers, rebuild, inputShape, k, format,
                    true, m));
            if (format == MemoryFormat.NCHW) {
                models.put("tuned_unfolded", m -> GroupedExport.export(trained, layers, rebuild, inputShape, k,
                        format, false, m));
            } else {
                models.put("dense" + suffix, m -> GroupedExport.export(trained, layers, rebuild, inputShape, allDense,
                        format, false, m));
            }
        }
        FormChoice model;
        try (NDManager scope = manager.newSubManager()) {
            List<Form> forms = new ArrayList<>();
            for (var e : models.entrySet()) forms.add(new Form(e.getKey(), e.getValue().apply(scope)));
            model = FormTuner.choose("model", forms, inputShape, MemoryFormat.NCHW, tuning, scope);
        }
        // Built again outside the timing scope, which took the candidates (and their cached gather indices) with it.
        Block deployed = models.get(model.form()).apply(manager);

        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("batch_sizes", tuning.batchSizes());
        t.put("warmup", tuning.warmup());
        t.put("repeats", tuning.repeats());
        t.put("statistic", "median, forms interleaved");
        t.put("device", manager.getDevice().toString());
        report.put("tuning", t);
        report.put("model_form", model.toMap());
        String format = model.form().contains("+") ? model.form().substring(model.form().indexOf('+') + 1) : "nchw";
        // Per layer what the deployed model runs: the layer's own choice, or dense where the whole-model timing
        // kept the dense model.
        Map<String, String> deployedKernels = new HashMap<>();
        kernelsOf(deployed, deployedKernels);
        List<Map<String, Object>> deployedRows = new ArrayList<>();
        for (Map<String, Object> row : layerRows) {
            if (!row.get("format").equals(format)) continue;
            Map<String, Object> r = new LinkedHashMap<>(row);
            r.put("deployed", deployedKernels.get((String) row.get("layer")));
            deployedRows.add(r);
        }
        report.put("forms", deployedRows);
        report.put("forms_other_formats", layerRows.stream().filter(r -> !r.get("format").equals(format)).toList());
        report.put("description", describe(deployed, deployedRows, model));
        return new Result(deployed, report);
    }

    /**
     * The layer's forms in {@code format}, timed: dense (reference), grouped, per-group; a layer left at one group
     * has only the dense form.
     */
    private static FormChoice tuneLayer(GroupableLayer l, Shape input, MemoryFormat format, DeployTuning tuning,
            NDManager manager) {
        List<String> kernels = l.groups() == 1 ? List.of(GroupedExport.DENSE) : GroupedExport.KERNELS;
        if (input == null || kernels.size() == 1) return FormChoice.untimed(l.path(), kernels, 0);
        try (NDManager scope = manager.newSubManager()) {
            List<Form> forms = new ArrayList<>();
            for (String k : kernels) {
                PermutedGroupConv2d block = GroupedExport.layerForm(l, k, format);
                block.initialize(scope, DataType.FLOAT32, input);
                GroupedExport.fill(l.conv(), block, l);
                forms.add(new Form(k, block));
            }
            return FormTuner.choose(l.path(), forms, input, format, tuning, scope);
        }
    }

    /** Each groupable layer's input shape (batch 1), from one traced forward pass of the trained model. */
    private static Map<String, Shape> layerInputs(Block trained, Shape inputShape, List<GroupableLayer> layers,
            NDManager manager) {
        Map<String, Shape> out = new HashMap<>();
        java.util.Set<String> paths = new java.util.HashSet<>();
        for (GroupableLayer l : layers) paths.add(l.path());
        try (NDManager scope = manager.newSubManager()) {
            var x = scope.ones(inputShape);
            for (LayerTrace.Entry e : LayerTrace.capture(() -> trained.forward(new ParameterStore(scope, false),
                    new NDList(x), false))) {
                if (paths.contains(e.layer().path())) out.putIfAbsent(e.layer().path(), e.input());
            }
        }
        return out;
    }

    /** One line for the record and the log: the model form, layers per form, where dense won. */
    static String describe(Block deployed, List<Map<String, Object>> rows, FormChoice model) {
        Map<String, Integer> byForm = new TreeMap<>();
        collect(deployed, byForm);
        List<String> denseWins = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            if (((Number) r.get("groups")).intValue() > 1 && !(Boolean) r.get("beats_reference")) {
                denseWins.add((String) r.get("layer"));
            }
        }
        StringBuilder s = new StringBuilder(model.form() + " model");
        if (model.timed()) {
            s.append(String.format(java.util.Locale.ROOT, " (%s)", speedups(model)));
        }
        s.append("; layers ").append(byForm).append(", ").append(GatherFolding.gathers(deployed)).append(" gathers");
        s.append(denseWins.isEmpty() ? "" : "; no form beat dense at " + denseWins.size() + " grouped layer(s)");
        return s.toString();
    }

    private static String speedups(FormChoice c) {
        List<String> parts = new ArrayList<>();
        for (int b = 0; b < c.batchSizes().size(); b++) {
            parts.add(String.format(java.util.Locale.ROOT, "%.2fx dense at b%d", c.speedup(b), c.batchSizes().get(b)));
        }
        return String.join(", ", parts);
    }

    /** Each deployed conv's kernel ({@code dense}, {@code grouped}, {@code per_group}) by path. */
    private static void kernelsOf(Block b, Map<String, String> out) {
        if (b instanceof PermutedGroupConv2d g) out.put(g.path(), g.form().split("\\+")[0]);
        for (Block child : b.getChildren().values()) kernelsOf(child, out);
    }

    private static void collect(Block b, Map<String, Integer> byForm) {
        if (b instanceof PermutedGroupConv2d g) byForm.merge(g.form(), 1, Integer::sum);
        for (Block child : b.getChildren().values()) collect(child, byForm);
    }
}
