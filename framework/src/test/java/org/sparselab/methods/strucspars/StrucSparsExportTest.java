package org.sparselab.methods.strucspars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sparselab.methods.RunInfo;
import org.sparselab.metrics.ModelProfile;
import org.sparselab.metrics.Profiler;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;

/** The deployment form (real group convs with gathers) equals the masked model it came from. */
class StrucSparsExportTest {
    static final Shape SAMPLE = new Shape(1, 3, 32, 32);

    static StrucSpars method(String yaml) {
        return (StrucSpars) StrucSparsConfigs.parse(yaml).create();
    }

    /** ResNet-20 with random weights, random P/Q and random levels per layer, masked. */
    static Block maskedResNet20(StrucSpars m, NDManager manager, long seed) {
        return maskedResNet20(m, manager, seed, RunInfo.inference(SAMPLE));
    }

    static Block maskedResNet20(StrucSpars m, NDManager manager, long seed, RunInfo run) {
        Block model = Models.defaults().create("resnet20", new ModelContext(3, 32, 10, m.convFactory(),
                org.sparselab.nn.ShuffleFactory.fixed()));
        model.initialize(manager, DataType.FLOAT32, SAMPLE);
        m.attach(model, run);
        Random rng = new Random(seed);
        for (GroupableLayer l : m.layers()) {
            int level = 1 + rng.nextInt(l.hierarchy().depth() + 1);
            l.setState(Permutations.random(l.spec().out(), rng), Permutations.random(l.spec().in(), rng), level);
            l.applyMask();
        }
        m.markMaskedForTest();
        return model;
    }

    @Test
    void exportedResNet20EqualsMaskedModelAndItsEffectiveCost() {
        try (NDManager manager = NDManager.newBaseManager()) {
            StrucSpars m = method("{name: strucspars}");
            Block masked = maskedResNet20(m, manager, 7);
            Block deployed = m.export(masked, f -> Models.defaults().create("resnet20",
                    new ModelContext(3, 32, 10, f, org.sparselab.nn.ShuffleFactory.fixed())));
            NDArray x = manager.randomNormal(new Shape(8, 3, 32, 32));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray a = masked.forward(ps, new NDList(x), false).head();
            NDArray b = deployed.forward(ps, new NDList(x), false).head();
            float diff = a.sub(b).abs().max().getFloat();
            assertTrue(diff <= 1e-4, "max |masked - exported| = " + diff);
            assertTrue(a.abs().max().getFloat() > 1e-2, "outputs are not trivially zero");
            // Another batch size after the first: the gathers' row indices are made per batch size.
            NDArray x3 = manager.randomNormal(new Shape(3, 3, 32, 32));
            float diff3 = masked.forward(ps, new NDList(x3), false).head()
                    .sub(deployed.forward(ps, new NDList(x3), false).head()).abs().max().getFloat();
            assertTrue(diff3 <= 1e-4, "batch 3: max |masked - exported| = " + diff3);
            // Forwards in their own scope leave nothing behind in the model's manager (gathers included).
            java.util.List<Integer> live = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try (NDManager pass = manager.newSubManager()) {
                    deployed.forward(new ParameterStore(pass, false), new NDList(pass.randomNormal(x3.getShape())),
                            false);
                }
                live.add(manager.getManagedArrays().size());
            }
            assertEquals(live.get(0), live.get(2), "live arrays after each forward: " + live);

            ModelProfile pm = Profiler.profile(masked, SAMPLE, manager);
            ModelProfile pd = Profiler.profile(deployed, SAMPLE, manager);
            assertEquals(pm.effectiveParams(), pd.params(), "exported params = masked model's effective params");
            assertEquals(pm.effectiveMacs(), pd.macs(), "exported MACs = masked model's effective MACs");
            assertTrue(pd.macs() < pm.macs(), "some layer was grouped");
            long grouped = pd.layers().stream().filter(r -> r.groups() > 1).count();
            assertTrue(grouped > 5, "several layers are real group convs: " + grouped);
        }
    }

    @Test
    void gatherFoldingLeavesAtMostOneGatherInsideABlockAndNoneBesideADenseConv() {
        try (NDManager manager = NDManager.newBaseManager()) {
            StrucSpars m = method("{name: strucspars}");
            Block masked = maskedResNet20(m, manager, 5);
            Random rng = new Random(9);
            for (GroupableLayer l : m.layers()) {
                // Block 0 of stage 1: dense conv1 before a grouped conv2; block 1: the reverse; the rest grouped.
                int level = l.path().startsWith("stage1.block0.conv1") || l.path().startsWith("stage1.block1.conv2")
                        ? 1 : 3;
                l.setState(Permutations.random(l.spec().out(), rng), Permutations.random(l.spec().in(), rng), level);
                l.applyMask();
            }
            java.util.function.Function<org.sparselab.nn.ConvFactory, Block> build = f -> Models.defaults()
                    .create("resnet20", new ModelContext(3, 32, 10, f, org.sparselab.nn.ShuffleFactory.fixed()));
            Block folded = m.export(masked, build);
            Block unfolded = GroupedExport.export(masked, m.layers(), build, SAMPLE, false);
            NDArray x = manager.randomNormal(new Shape(4, 3, 32, 32));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray want = masked.forward(ps, new NDList(x), false).head();
            for (Block b : java.util.List.of(folded, unfolded)) {
                float diff = want.sub(b.forward(ps, new NDList(x), false).head()).abs().max().getFloat();
                assertTrue(diff <= 1e-4, "max |masked - exported| = " + diff);
            }
            java.util.Map<String, org.sparselab.nn.PermutedGroupConv2d> convs = new java.util.HashMap<>();
            collect(folded, convs);
            for (var e : convs.entrySet()) {
                String path = e.getKey();
                org.sparselab.nn.PermutedGroupConv2d c = e.getValue();
                // conv1's output reaches conv2 through BN and ReLU only: its output gather always folds away.
                if (path.endsWith("conv1")) assertTrue(c.outputOrder() == null, path + " keeps an output gather");
            }
            assertTrue(convs.get("stage1.block0.conv2").inputOrder() == null,
                    "a dense conv1 emits its rows in the order conv2 reads them");
            assertTrue(convs.get("stage1.block1.conv2").inputOrder() == null,
                    "a dense conv2 takes any order into its weight's columns");
            assertTrue(convs.get("stage2.block1.conv2").inputOrder() != null,
                    "between two grouped convs one gather is left (random P/Q cross the groups)");
            int after = org.sparselab.nn.GatherFolding.gathers(folded);
            int before = org.sparselab.nn.GatherFolding.gathers(unfolded);
            // 9 blocks, one gather fewer in each: two grouped convs keep one of their two middle gathers; beside a
            // dense conv (which never gathers) the grouped one's middle gather goes.
            assertEquals(before - 9, after, "gathers " + before + " → " + after);
        }
    }

    static final java.util.function.Function<org.sparselab.nn.ConvFactory, Block> RESNET20 = f -> Models.defaults()
            .create("resnet20", new ModelContext(3, 32, 10, f, org.sparselab.nn.ShuffleFactory.fixed()));

    /** Largest |masked − deployed| over two batch sizes (the gathers' row indices are per batch size). */
    static float maxDiff(Block masked, Block deployed, NDManager manager) {
        ParameterStore ps = new ParameterStore(manager, false);
        float worst = 0;
        for (int batch : new int[] {4, 1}) {
            NDArray x = manager.randomNormal(new Shape(batch, 3, 32, 32));
            NDArray want = masked.forward(ps, new NDList(x), false).head();
            assertTrue(want.abs().max().getFloat() > 1e-2, "outputs are not trivially zero");
            worst = Math.max(worst, want.sub(deployed.forward(ps, new NDList(x), false).head()).abs().max()
                    .getFloat());
        }
        return worst;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"dense,nchw,false", "grouped,nchw,true", "per_group,nchw,true",
        "per_group,nchw,false", "dense,channels_last,true", "grouped,channels_last,true",
        "per_group,channels_last,true"})
    void everyDeploymentFormEqualsTheMaskedModel(String kernel, String format, boolean fold) {
        try (NDManager manager = NDManager.newBaseManager()) {
            StrucSpars m = method("{name: strucspars}");
            Block masked = maskedResNet20(m, manager, 13);
            java.util.Map<String, String> kernels = new java.util.HashMap<>();
            for (GroupableLayer l : m.layers()) kernels.put(l.path(), kernel);
            Block deployed = GroupedExport.export(masked, m.layers(), RESNET20, SAMPLE, kernels,
                    org.sparselab.nn.MemoryFormat.named(format), fold, manager);
            float diff = maxDiff(masked, deployed, manager);
            assertTrue(diff <= 1e-4, kernel + "/" + format + ": max |masked - deployed| = " + diff);
            java.util.Map<String, org.sparselab.nn.PermutedGroupConv2d> convs = new java.util.HashMap<>();
            collect(deployed, convs);
            for (GroupableLayer l : m.layers()) {
                var c = convs.get(l.path());
                String want = l.groups() == 1 ? "dense" : kernel;
                assertEquals(format.equals("nchw") ? want : want + "+" + format, c.form(), l.path());
                if (kernel.equals("dense")) assertEquals(0, c.gathers(), "a dense form gathers nothing");
            }
            assertEquals(format.equals("channels_last"), deployed instanceof org.sparselab.nn.ChannelsLast);
            ModelProfile pm = Profiler.profile(masked, SAMPLE, manager);
            ModelProfile pd = Profiler.profile(deployed, SAMPLE, manager);
            assertEquals(pm.effectiveMacs(), pd.effectiveMacs(), "every form: the masked model's effective MACs");
            assertEquals(pm.effectiveParams(), pd.effectiveParams(), "every form: the masked model's effective params");
            if (kernel.equals("dense")) assertEquals(pm.macs(), pd.macs(), "a dense form runs the dense MACs");
            // Per-group views and channels-last weights belong to the pass: nothing accumulates in the model.
            java.util.List<Integer> live = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try (NDManager pass = manager.newSubManager()) {
                    deployed.forward(new ParameterStore(pass, false), new NDList(pass.randomNormal(
                            new Shape(2, 3, 32, 32))), false);
                }
                live.add(manager.getManagedArrays().size());
            }
            assertEquals(live.get(1), live.get(2), "live arrays after each forward: " + live);
        }
    }

    @Test
    void mixedFormsFoldAcrossEachOtherAndStayExact() {
        try (NDManager manager = NDManager.newBaseManager()) {
            StrucSpars m = method("{name: strucspars}");
            Block masked = maskedResNet20(m, manager, 21);
            Random rng = new Random(4);
            java.util.Map<String, String> kernels = new java.util.HashMap<>();
            for (GroupableLayer l : m.layers()) kernels.put(l.path(), GroupedExport.KERNELS.get(rng.nextInt(3)));
            for (var format : org.sparselab.nn.MemoryFormat.values()) {
                Block folded = GroupedExport.export(masked, m.layers(), RESNET20, SAMPLE, kernels, format, true,
                        manager);
                Block unfolded = GroupedExport.export(masked, m.layers(), RESNET20, SAMPLE, kernels, format, false,
                        manager);
                assertTrue(maxDiff(masked, folded, manager) <= 1e-4, format + " folded");
                assertTrue(maxDiff(masked, unfolded, manager) <= 1e-4, format + " unfolded");
                assertTrue(org.sparselab.nn.GatherFolding.gathers(folded)
                        < org.sparselab.nn.GatherFolding.gathers(unfolded), "folding removed gathers");
            }
        }
    }

    @Test
    void tunedExportTimesEveryGroupedLayerEqualsTheMaskedModelAndRecordsItsChoices() {
        try (NDManager manager = NDManager.newBaseManager()) {
            StrucSpars m = method("{name: strucspars}");
            var tuning = new org.sparselab.deploy.DeployTuning(java.util.List.of(1, 2), 1, 2);
            Block masked = maskedResNet20(m, manager, 17, RunInfo.inference(SAMPLE).withDeploy(tuning));
            int before = manager.getManagedArrays().size();
            Block deployed = m.export(masked, RESNET20);
            int left = manager.getManagedArrays().size() - before;
            float diff = maxDiff(masked, deployed, manager);
            assertTrue(diff <= 1e-4, "max |masked - tuned| = " + diff);
            var report = m.exportReport();
            @SuppressWarnings("unchecked")
            var rows = (java.util.List<java.util.Map<String, Object>>) report.get("forms");
            assertEquals(m.layers().size(), rows.size(), "one row per groupable layer");
            for (int i = 0; i < rows.size(); i++) {
                var row = rows.get(i);
                GroupableLayer l = m.layers().get(i);
                assertEquals(l.path(), row.get("layer"));
                assertTrue(GroupedExport.KERNELS.contains((String) row.get("form")), row.toString());
                if (l.groups() > 1) {
                    @SuppressWarnings("unchecked")
                    var ms = (java.util.Map<String, java.util.Map<String, Double>>) row.get("median_ms");
                    assertEquals(java.util.Set.of("dense", "grouped", "per_group"), ms.keySet(), l.path());
                    assertTrue(ms.get("grouped").get("b2") > 0, row.toString());
                } else {
                    assertEquals("dense", row.get("form"), "a layer left at one group is dense");
                }
            }
            @SuppressWarnings("unchecked")
            var model = (java.util.Map<String, Object>) report.get("model_form");
            assertEquals("dense", model.get("reference"));
            assertTrue(java.util.List.of("dense", "tuned", "tuned_unfolded", "tuned+channels_last",
                    "dense+channels_last").contains((String) model.get("form")), model.toString());
            assertTrue(((String) report.get("description")).startsWith(model.get("form") + " model"),
                    (String) report.get("description"));
            java.util.Map<String, org.sparselab.nn.PermutedGroupConv2d> convs = new java.util.HashMap<>();
            collect(deployed, convs);
            for (var row : rows) {
                assertEquals(convs.get((String) row.get("layer")).form().split("\\+")[0], row.get("deployed"),
                        "the record names the kernel the deployed model runs: " + row);
            }
            // The timing candidates are gone with their scopes: the export leaves the deployed model's parameters.
            int deployedParams = deployed.getParameters().size();
            assertEquals(deployedParams, left, "arrays left by the export");
        }
    }

    private static void collect(Block b, java.util.Map<String, org.sparselab.nn.PermutedGroupConv2d> out) {
        if (b instanceof org.sparselab.nn.PermutedGroupConv2d c) out.put(c.path(), c);
        for (Block child : b.getChildren().values()) collect(child, out);
    }

    @Test
    void singleLayerGatherConvention() {
        // y = conv_g(x[:, Q])[:, P_inv] must equal the dense conv with weight masked by U[P_inv][:, Q_inv].
        try (NDManager manager = NDManager.newBaseManager()) {
            StrucSpars m = method("{name: strucspars}");
            Block masked = maskedResNet20(m, manager, 11);
            GroupableLayer l = m.layers().get(3);
            boolean[][] keep = l.keepInOriginalOrder();
            boolean[][] u = l.hierarchy().keepMask(l.level());
            int[] p = l.p();
            int[] q = l.q();
            for (int a = 0; a < p.length; a++) {
                for (int c = 0; c < q.length; c++) assertEquals(u[a][c], keep[p[a]][q[c]], "keep[P][:,Q] == U");
            }
            float[] mask = l.conv().mask().getArray().toFloatArray();
            long kept = 0;
            for (float v : mask) if (v != 0) kept++;
            int k2 = l.spec().kernel() * l.spec().kernel();
            assertEquals((long) l.spec().out() * l.spec().in() * k2 / l.groups(), kept, "mask keeps 1/groups");
            assertTrue(masked != null);
        }
    }

    @Test
    void canonicalOrderKeepsEachGroupAndDropsNeedlessGathers() {
        Random rng = new Random(3);
        int[] p = Permutations.random(16, rng);
        int[] q = Permutations.random(8, rng);
        int[][] c = GroupedExport.canonical(p, q, 4);
        for (int g = 0; g < 4; g++) {
            // Canonical group k is some original group g': same output set and same input set, paired.
            java.util.Set<Integer> outs = new java.util.TreeSet<>();
            java.util.Set<Integer> ins = new java.util.TreeSet<>();
            for (int j = 0; j < 4; j++) outs.add(c[0][g * 4 + j]);
            for (int j = 0; j < 2; j++) ins.add(c[1][g * 2 + j]);
            boolean found = false;
            for (int h = 0; h < 4; h++) {
                java.util.Set<Integer> po = new java.util.TreeSet<>();
                java.util.Set<Integer> qi = new java.util.TreeSet<>();
                for (int j = 0; j < 4; j++) po.add(p[h * 4 + j]);
                for (int j = 0; j < 2; j++) qi.add(q[h * 2 + j]);
                found |= po.equals(outs) && qi.equals(ins);
            }
            assertTrue(found, "canonical group " + g + " is one of the original (output, input) groups");
        }
        // One group: both orders sort to the identity, so the deployed conv gathers nothing.
        int[][] dense = GroupedExport.canonical(p, q, 1);
        assertEquals(java.util.Arrays.toString(Permutations.identity(16)), java.util.Arrays.toString(dense[0]));
        assertEquals(java.util.Arrays.toString(Permutations.identity(8)), java.util.Arrays.toString(dense[1]));
        // Contiguous input groups listed out of order: only the order of groups changes, no input gather is left.
        int[][] contiguous = GroupedExport.canonical(new int[] {2, 3, 0, 1}, new int[] {2, 3, 0, 1}, 2);
        assertEquals("[0, 1, 2, 3]", java.util.Arrays.toString(contiguous[1]));
        assertEquals("[0, 1, 2, 3]", java.util.Arrays.toString(contiguous[0]));
    }
}
