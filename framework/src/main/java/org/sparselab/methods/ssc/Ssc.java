package org.sparselab.methods.ssc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.sparselab.config.ConfigException;
import org.sparselab.deploy.Form;
import org.sparselab.deploy.FormChoice;
import org.sparselab.deploy.FormTuner;
import org.sparselab.methods.Method;
import org.sparselab.methods.RunInfo;
import org.sparselab.methods.masking.MaskedLayers;
import org.sparselab.methods.masking.WeightTransfer;
import org.sparselab.nn.Conv2dBlock;
import org.sparselab.nn.ConvDecomposition;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.DecomposedConv2d;
import org.sparselab.nn.ElementwiseInit;
import org.sparselab.nn.LayerTrace;
import org.sparselab.nn.MaskedConv2d;
import org.sparselab.nn.MemoryFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSC wired into a run: the conv factory turns every selected conv into the SSC layer (a {@link MaskedConv2d} with
 * the fixed pattern of {@link SscPattern}, or its exact decomposition), trained once from the initialisation of
 * {@link SscInit} with no hook (masked weights get no gradient and start at zero, so they stay zero); at export each
 * layer is deployed in the faster of its two exact forms, timed on the run's device by {@link FormTuner} (the
 * masked-dense conv is the reference, so a layer is never deployed slower than the dense conv it replaces).
 */
public final class Ssc implements Method {
    private static final Logger LOG = LoggerFactory.getLogger(Ssc.class);

    /** One converted conv: its spec (kernel as converted), its pattern and the block training it. */
    record SscLayer(ConvSpec spec, float[] mask, Block block) {}

    private final SscConfig cfg;
    private final SscPattern.Options options;
    private final MaskedLayers masks;
    private final Map<String, SscLayer> layers = new LinkedHashMap<>();
    private RunInfo run;
    private Map<String, Object> exportReport = Map.of();

    public Ssc(SscConfig cfg) {
        this.cfg = cfg;
        this.options = cfg.options();
        this.masks = new MaskedLayers(cfg.selection());
    }

    @Override
    public ConvFactory convFactory() {
        return masks.convFactory(this::convert);
    }

    private Block convert(ConvSpec modelSpec) {
        ConvSpec spec = withKernel(modelSpec);
        float[] mask = SscPattern.mask(spec, options);
        ElementwiseInit init = SscInit.of(spec, mask, cfg.initRule(), cfg.initializer());
        Block block = cfg.implementation().equals("masked")
                ? MaskedConv2d.builder().setSpec(spec).optFixedMask(mask).optInitializer(init).build()
                : new DecomposedConv2d(ConvDecomposition.plan(spec, mask), init);
        layers.put(spec.path(), new SscLayer(spec, mask, block));
        return block;
    }

    /**
     * The weights SSC with {@code cfg} keeps in the conv {@code spec}, or -1 when it does not convert that conv: the
     * budget a pruning-at-initialisation baseline matches.
     */
    public static long keptWeights(SscConfig cfg, ConvSpec spec) {
        if (!cfg.selection().selects(org.sparselab.nn.LayerKind.of(spec))) return -1;
        long kept = 0;
        for (float v : SscPattern.mask(withKernel(cfg, spec), cfg.options())) if (v != 0) kept++;
        return kept;
    }

    private ConvSpec withKernel(ConvSpec s) {
        return withKernel(cfg, s);
    }

    /** The model's conv with the configured kernel size (padding k/2, so output shapes are unchanged). */
    private static ConvSpec withKernel(SscConfig cfg, ConvSpec s) {
        Integer k = cfg.kernelSize();
        if (k == null || k == s.kernel()) return s;
        return new ConvSpec(s.path(), s.role(), s.in(), s.out(), k, s.stride(), s.dilation() * (k / 2), s.dilation(),
                s.groups(), s.bias());
    }

    @Override
    public void checkBuilt(Block model, RunInfo run) {
        if (layers.isEmpty()) {
            throw new ConfigException("method.layers", "ssc converts no layer of this model with layers "
                    + cfg.layers() + (masks.exemptions().isEmpty() ? "" : " (left dense: " + masks.exemptions() + ")")
                    + "; add a kind the architecture has (e.g. block, pointwise, depthwise)");
        }
    }

    /** The converted layers by path, in build order. */
    Map<String, SscLayer> layers() {
        return layers;
    }

    @Override
    public void attach(Block model, RunInfo info) {
        checkBuilt(model, info);
        this.run = info;
        long kept = 0;
        long total = 0;
        for (SscLayer l : layers.values()) {
            total += l.mask().length;
            for (float v : l.mask()) if (v != 0) kept++;
        }
        LOG.info(String.format(Locale.ROOT, "ssc: %d convs converted (%s), G=%d %s %s, complement %s; %d of %d "
                        + "weights kept (%.2f %%); %s form; init %s with %s", layers.size(),
                String.join(", ", cfg.layers()), cfg.groups(), cfg.channelMode(), cfg.pattern(),
                cfg.pointwiseComplement() ? "on" : "off", kept, total, 100.0 * kept / total, cfg.implementation(),
                cfg.initializer(), cfg.initRule()));
    }

    @Override
    public Block export(Block trained, Function<ConvFactory, Block> rebuild) {
        Map<String, Shape> inputs = layerInputs(trained);
        NDManager manager = anyParameterManager(trained);
        Map<String, String> choice = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (var e : layers.entrySet()) {
            SscLayer l = e.getValue();
            ConvDecomposition.Plan plan = ConvDecomposition.plan(l.spec(), l.mask());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", e.getKey());
            row.put("decomposition", plan.describe());
            String chosen = cfg.deploy();
            if (chosen.equals("auto")) chosen = timeForms(l, plan, dense(l), inputs.get(e.getKey()), manager, row);
            choice.put(e.getKey(), chosen);
            row.put("deployed", chosen);
            rows.add(row);
        }
        Block deployed = rebuild.apply(spec -> {
            SscLayer l = layers.get(spec.path());
            if (l == null) return ConvFactory.dense().conv(spec);
            return choice.get(spec.path()).equals("decomposed") ? decomposedForm(l, null)
                    : Conv2dBlock.builder().setSpec(l.spec()).optSparseCost(true).build();
        });
        deployed.initialize(manager, DataType.FLOAT32, run.inputShape());
        WeightTransfer.copy(trained, deployed, (from, to) -> {
            if (!(from instanceof MaskedConv2d || from instanceof DecomposedConv2d)) return false;
            float[] w = dense(from);
            if (to instanceof DecomposedConv2d d) d.loadDense(w);
            else ((Conv2dBlock) to).weight().getArray().set(w);
            var bias = from.getDirectParameters().contains("bias") ? from.getDirectParameters().get("bias") : null;
            if (bias != null) to.getDirectParameters().get("bias").getArray().set(bias.getArray().toByteBuffer());
            return true;
        });
        exportReport = Map.of("forms", rows);
        long decomposed = choice.values().stream().filter(c -> c.equals("decomposed")).count();
        LOG.info("ssc export: {} of {} layers deployed decomposed, the rest as dense convs on W ⊙ M", decomposed,
                choice.size());
        return deployed;
    }

    @Override
    public Map<String, Object> exportReport() {
        return exportReport;
    }

    /** The dense W ⊙ M of a trained SSC layer in either training form. */
    private static float[] dense(Block trained) {
        if (trained instanceof MaskedConv2d m) return WeightTransfer.maskedWeight(m.weight(), m.mask());
        return ((DecomposedConv2d) trained).denseWeight();
    }

    private static float[] dense(SscLayer l) {
        return dense(l.block());
    }

    private DecomposedConv2d decomposedForm(SscLayer l, ConvDecomposition.Plan plan) {
        ConvDecomposition.Plan p = plan != null ? plan : ConvDecomposition.plan(l.spec(), l.mask());
        return new DecomposedConv2d(p, new ElementwiseInit(new float[l.mask().length], false));
    }

    /**
     * Times the layer's two exact deployment forms with {@link FormTuner} on its own input shape, at the batch sizes
     * the run's {@code output.deploy_*} name, the masked-dense conv being the reference: "decomposed" only where it
     * is no slower than the dense conv at every tuned batch size. Untimed ({@code output.deploy_repeats: 0}, or a
     * layer the decomposition leaves whole): "masked".
     */
    private String timeForms(SscLayer l, ConvDecomposition.Plan plan, float[] weight, Shape input, NDManager owner,
            Map<String, Object> row) {
        if (input == null || !plan.decomposed() || !run.deploy().enabled()) return "masked";
        try (NDManager scope = owner.newSubManager()) {
            Conv2dBlock masked = Conv2dBlock.builder().setSpec(l.spec()).build();
            DecomposedConv2d decomposed = decomposedForm(l, plan);
            masked.initialize(scope, DataType.FLOAT32, input);
            decomposed.initialize(scope, DataType.FLOAT32, input);
            masked.weight().getArray().set(weight);
            decomposed.loadDense(weight);
            FormChoice c = FormTuner.choose(l.spec().path(), List.of(new Form("masked", masked),
                    new Form("decomposed", decomposed)), input, MemoryFormat.NCHW, run.deploy(), scope);
            for (int b = 0; b < c.batchSizes().size(); b++) {
                row.put("masked_b" + c.batchSizes().get(b) + "_ms", c.medianMs()[0][b]);
                row.put("decomposed_b" + c.batchSizes().get(b) + "_ms", c.medianMs()[1][b]);
            }
            row.put("beats_reference", c.beatsReference());
            return c.form();
        }
    }

    /** Each SSC layer's input shape (batch 1), from one traced forward pass of the trained model. */
    private Map<String, Shape> layerInputs(Block trained) {
        Map<String, Shape> out = new LinkedHashMap<>();
        NDManager manager = anyParameterManager(trained);
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.ones(run.inputShape());
            for (LayerTrace.Entry e : LayerTrace.capture(() -> trained.forward(new ParameterStore(scope, false),
                    new NDList(x), false))) {
                if (layers.containsKey(e.layer().path())) out.putIfAbsent(e.layer().path(), e.input());
            }
        }
        return out;
    }

    private static NDManager anyParameterManager(Block model) {
        return model.getParameters().valueAt(0).getArray().getManager();
    }
}
