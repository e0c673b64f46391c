package org.sparselab.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparselab.nn.BatchNorm2d;
import org.sparselab.nn.Conv2dBlock;
import org.sparselab.nn.ConvFactory;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.ShuffleFactory;
import org.sparselab.nn.ShuffleSpec;

class ModelsTest {
    private static final ModelRegistry MODELS = Models.defaults();

    /**
     * Exact dense parameter counts (weights, biases, BN γ and β; no running statistics) at the reference setting.
     *
     * <p>CIFAR ResNet with 1×1 projection shortcuts, n blocks per stage, by hand: stem 3·16·9 + 32 = 464; stage 1
     * blocks 2·(16·16·9 + 32) = 4,672; stage 2 first block 16·32·9 + 32·32·9 + 2·64 + (16·32 + 64) = 14,528, others
     * 2·(32·32·9 + 64) = 18,560; stage 3 first 32·64·9 + 64·64·9 + 2·128 + (32·64 + 128) = 57,728, others
     * 2·(64·64·9 + 128) = 73,984; fc 64·10 + 10 = 650. Total 97,216·n − 19,174: ResNet-20 272,474, i.e. option A's
     * 269,722 plus the two projections (512 + 64 + 2,048 + 128 = 2,752).
     *
     * <p>ImageNet ResNets, MobileNetV2, ShuffleNet V2: torchvision's counts. VGG-BN CIFAR: kuangliu/pytorch-cifar's.
     */
    static final Map<String, Long> EXACT_PARAMS = Map.ofEntries(
            Map.entry("resnet20", 272_474L), Map.entry("resnet32", 466_906L), Map.entry("resnet44", 661_338L),
            Map.entry("resnet56", 855_770L), Map.entry("resnet110", 1_730_714L),
            Map.entry("resnet18", 11_689_512L), Map.entry("resnet34", 21_797_672L), Map.entry("resnet50", 25_557_032L),
            Map.entry("resnet101", 44_549_160L),
            Map.entry("vgg11_bn", 9_231_114L), Map.entry("vgg16_bn", 14_728_266L), Map.entry("vgg19_bn", 20_040_522L),
            Map.entry("mobilenet_v2", 3_504_872L),
            Map.entry("shufflenet_v2_x0_5", 1_366_792L), Map.entry("shufflenet_v2_x1_0", 2_278_604L),
            Map.entry("shufflenet_v2_x1_5", 3_503_624L), Map.entry("shufflenet_v2_x2_0", 7_393_996L));

    /** Stage-2 channels of ShuffleNet V1 per group count at widths 0.5, 1, 1.5, 2 (Table 1, rounded to 4g). */
    static final Map<Integer, int[]> SHUFFLENET_V1_STAGE2 = Map.of(
            1, new int[] {72, 144, 216, 288}, 2, new int[] {104, 200, 304, 400}, 3, new int[] {120, 240, 360, 480},
            4, new int[] {144, 272, 416, 544}, 8, new int[] {192, 384, 576, 768});

    static Stream<String> names() {
        return MODELS.names().stream();
    }

    static boolean imageNetModel(String name) {
        return name.matches("resnet(18|34|50|101)|mobilenet_v2|shufflenet_.*");
    }

    @ParameterizedTest
    @MethodSource("names")
    void denseParameterCountMatchesTheReference(String name) {
        boolean imageNet = imageNetModel(name);
        int size = imageNet ? 224 : 32;
        int classes = imageNet ? 1000 : 10;
        long got;
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = MODELS.create(name, ModelContext.dense(3, size, classes));
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, size, size));
            got = countParams(net);
        }
        Long exact = EXACT_PARAMS.get(name);
        if (name.startsWith("shufflenet_v1_")) exact = shuffleNetV1Params(name, classes);
        assertNotNull(exact, name);
        assertEquals(exact, got, name);
        double published = MODELS.publishedParamsM(name);
        if (!Double.isNaN(published)) {
            double rel = Math.abs(got / 1e6 - published) / published;
            assertTrue(rel <= 0.02, name + ": " + got + " params vs published " + published + "M");
        }
    }

    /** ShuffleNet V1 parameters written out from Table 1 and Fig. 2, independently of the model code. */
    static long shuffleNetV1Params(String name, int classes) {
        int g = Integer.parseInt(name.replaceAll("shufflenet_v1_g(\\d)_x.*", "$1"));
        int widthIndex = List.of("0_5", "1_0", "1_5", "2_0").indexOf(name.replaceAll(".*_x", ""));
        int c = SHUFFLENET_V1_STAGE2.get(g)[widthIndex];
        long p = 3 * 24 * 9 + 2 * 24; // stem conv + BN
        int in = 24;
        int[] units = {4, 8, 4};
        for (int s = 0; s < 3; s++, c *= 2) {
            int mid = c / 4;
            for (int u = 0; u < units[s]; u++) {
                int g1 = s == 0 && u == 0 ? 1 : g;
                int outputs = u == 0 ? c - in : c;
                p += (long) in * mid / g1 + 2 * mid; // 1×1 group conv + BN
                p += 9L * mid + 2 * mid; // 3×3 depthwise + BN
                p += (long) mid * outputs / g + 2L * outputs; // 1×1 group conv + BN
                in = c;
            }
        }
        return p + (long) in * classes + classes;
    }

    /** The 3 × 32 × 32 and 3 × 224 × 224 shapes go through every model without a forward pass. */
    @ParameterizedTest
    @MethodSource("names")
    void shapesPropagateAtCifarAndImageNetSizes(String name) {
        for (int size : new int[] {32, 224}) {
            Block net = MODELS.create(name, ModelContext.dense(3, size, 10));
            assertEquals(new Shape(2, 10), net.getOutputShapes(new Shape[] {new Shape(2, 3, size, size)})[0], name);
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void forwardOnFashionMnistGivesOneScorePerClass(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = MODELS.create(name, ModelContext.dense(1, 28, 10));
            Shape in = new Shape(2, 1, 28, 28);
            net.initialize(m, DataType.FLOAT32, in);
            NDArray y = net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(in)), false).head();
            assertEquals(new Shape(2, 10), y.getShape(), name);
            assertFalse(Float.isNaN(y.sum().getFloat()), name);
        }
    }

    @Test
    void smallModelsForwardAtImageNetSize() {
        for (String name : List.of("shufflenet_v2_x0_5", "shufflenet_v1_g8_x0_5", "resnet18")) {
            try (NDManager m = NDManager.newBaseManager()) {
                Block net = MODELS.create(name, ModelContext.dense(3, 224, 7));
                Shape in = new Shape(1, 3, 224, 224);
                net.initialize(m, DataType.FLOAT32, in);
                NDArray y = net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(in)), false).head();
                assertEquals(new Shape(1, 7), y.getShape(), name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet20", "resnet18", "vgg11_bn", "mobilenet_v2", "shufflenet_v1_g3_x0_5",
            "shufflenet_v2_x0_5"})
    void everyParameterGetsAGradient(String name) {
        try (Model model = Model.newInstance(name)) {
            model.setBlock(MODELS.create(name, ModelContext.dense(1, 28, 10)));
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()))) {
                Shape in = new Shape(2, 1, 28, 28);
                trainer.initialize(in);
                NDManager m = trainer.getManager();
                NDArray x = m.randomNormal(in);
                NDArray labels = m.create(new float[] {3, 7});
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList preds = trainer.forward(new NDList(x));
                    gc.backward(trainer.getLoss().evaluate(new NDList(labels), preds));
                }
                int checked = 0;
                for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                    Parameter param = p.getValue();
                    if (!param.requiresGradient()) continue;
                    float gradNorm = param.getArray().getGradient().abs().sum().getFloat();
                    assertTrue(gradNorm > 0, name + ": zero gradient for " + p.getKey());
                    checked++;
                }
                assertTrue(checked > 0, name);
            }
        }
    }

    /** Expected (convs, shuffles) for a few models; every model is checked for unique paths and no raw Conv2d. */
    static final Map<String, int[]> LAYER_COUNTS = Map.of(
            "resnet20", new int[] {1 + 18 + 2, 0},
            "resnet56", new int[] {1 + 54 + 2, 0},
            "resnet18", new int[] {1 + 16 + 3, 0},
            "resnet50", new int[] {1 + 48 + 4, 0},
            "vgg16_bn", new int[] {13, 0},
            "mobilenet_v2", new int[] {1 + 2 + 16 * 3 + 1, 0},
            "shufflenet_v1_g3_x1_0", new int[] {1 + 16 * 3, 16},
            "shufflenet_v1_g1_x1_0", new int[] {1 + 16 * 3, 0},
            "shufflenet_v2_x1_0", new int[] {1 + 3 * 5 + 13 * 3 + 1, 16});

    @ParameterizedTest
    @MethodSource("names")
    void everyConvAndShuffleComesFromTheFactories(String name) {
        List<ConvSpec> convs = new ArrayList<>();
        List<ShuffleSpec> shuffles = new ArrayList<>();
        ConvFactory dense = ConvFactory.dense();
        ShuffleFactory fixed = ShuffleFactory.fixed();
        ModelContext ctx = new ModelContext(3, 32, 10, spec -> {
            convs.add(spec);
            return dense.conv(spec);
        }, spec -> {
            shuffles.add(spec);
            return fixed.shuffle(spec);
        });
        Block net = MODELS.create(name, ctx);

        int[] factoryConvs = {0};
        walk(net, b -> {
            assertFalse(b instanceof Conv2d, name + ": DJL Conv2d in the tree");
            if (b instanceof Conv2dBlock) factoryConvs[0]++;
        });
        assertEquals(convs.size(), factoryConvs[0], name + ": every factory conv is used once, no other conv");

        Set<String> paths = new HashSet<>();
        convs.forEach(s -> assertTrue(paths.add(s.path()), name + ": duplicate path " + s.path()));
        shuffles.forEach(s -> assertTrue(paths.add(s.path()), name + ": duplicate path " + s.path()));
        assertEquals(1, convs.stream().filter(s -> s.role() == ConvSpec.Role.STEM).count(), name);
        assertEquals("stem", convs.get(0).path(), name);
        assertEquals(ConvSpec.Role.STEM, convs.get(0).role(), name);
        for (ConvSpec s : convs) {
            assertEquals(s.path().endsWith(".shortcut"), s.role() == ConvSpec.Role.SHORTCUT, s.path());
            assertEquals(s.path().equals("head"), s.role() == ConvSpec.Role.HEAD, s.path());
        }
        int[] expected = LAYER_COUNTS.get(name);
        if (expected != null) {
            assertEquals(expected[0], convs.size(), name + " convs");
            assertEquals(expected[1], shuffles.size(), name + " shuffles");
        }
        if (name.startsWith("shufflenet_v2")) shuffles.forEach(s -> assertEquals(2, s.groups(), s.path()));
    }

    @Test
    void convsAreKaimingNormalFanOutAndBatchNormStartsAtIdentity() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = MODELS.create("resnet56", ModelContext.dense(3, 32, 10));
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            List<Conv2dBlock> convs = new ArrayList<>();
            List<Block> bns = new ArrayList<>();
            walk(net, b -> {
                if (b instanceof Conv2dBlock c) convs.add(c);
                if (BatchNorm2d.isBatchNorm(b)) bns.add(b);
            });
            for (String path : List.of("stage3.block1.conv2", "stage2.block0.shortcut")) {
                Conv2dBlock conv = convs.stream().filter(c -> c.spec().path().equals(path)).findFirst().orElseThrow();
                NDArray w = conv.weight().getArray();
                ConvSpec s = conv.spec();
                double expected = Math.sqrt(2.0 / (s.out() * s.kernel() * s.kernel()));
                double std = Math.sqrt(w.sub(w.mean()).square().mean().getFloat());
                assertEquals(expected, std, 0.1 * expected, path);
                assertEquals(0, w.mean().getFloat(), 0.1 * expected, path);
            }
            assertEquals(convs.size(), bns.size());
            for (Block bn : bns) {
                for (Pair<String, Parameter> p : bn.getParameters()) {
                    NDArray a = p.getValue().getArray();
                    float want = p.getValue().getType() == Parameter.Type.GAMMA
                            || p.getValue().getType() == Parameter.Type.RUNNING_VAR ? 1f : 0f;
                    assertEquals(want, a.min().getFloat(), p.getKey());
                    assertEquals(want, a.max().getFloat(), p.getKey());
                }
            }
        }
    }

    @Test
    void theClassifierIsInitialisedAsTheArchitecturesReferenceOrAsConfigured() {
        // resnet56 (CIFAR): Kaiming-normal fan-out as StrucSpars' resnet_cifar.py, std √(2/10) = 0.447 over 640
        // weights; resnet18 (ImageNet) and torch: U(−1/√in, 1/√in).
        float[] kaiming = classifierWeight("resnet56", ClassifierInit.AUTO, 32);
        double mean = 0;
        for (float v : kaiming) mean += v / kaiming.length;
        double var = 0;
        for (float v : kaiming) var += (v - mean) * (v - mean) / kaiming.length;
        assertEquals(Math.sqrt(2.0 / 10), Math.sqrt(var), 0.05, "std of 640 N(0, 0.2) draws");
        assertTrue(maxAbs(kaiming) > 1 / Math.sqrt(64), "not the uniform bound");
        float[] torch = classifierWeight("resnet56", ClassifierInit.TORCH, 32);
        assertTrue(maxAbs(torch) <= 1 / Math.sqrt(64) + 1e-7);
        assertTrue(maxAbs(torch) > 0.9 / Math.sqrt(64), "spread over the whole interval");
        assertTrue(maxAbs(classifierWeight("resnet18", ClassifierInit.AUTO, 64)) <= 1 / Math.sqrt(512) + 1e-7,
                "torchvision: Linear default");
        assertTrue(maxAbs(classifierWeight("resnet18", ClassifierInit.KAIMING_NORMAL_FAN_OUT, 64))
                > 1 / Math.sqrt(512), "an override applies to any architecture");
    }

    private static float[] classifierWeight(String arch, ClassifierInit init, int size) {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelContext ctx = new ModelContext(3, size, 10, org.sparselab.nn.ConvFactory.dense(),
                    org.sparselab.nn.ShuffleFactory.fixed(), init);
            Block net = MODELS.create(arch, ctx);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, size, size));
            List<org.sparselab.nn.LinearBlock> fcs = new ArrayList<>();
            walk(net, b -> {
                if (b instanceof org.sparselab.nn.LinearBlock l) fcs.add(l);
            });
            return fcs.get(fcs.size() - 1).weight().getArray().toFloatArray();
        }
    }

    private static double maxAbs(float[] a) {
        double max = 0;
        for (float v : a) max = Math.max(max, Math.abs(v));
        return max;
    }

    static long countParams(Block net) {
        long n = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            Parameter.Type t = p.getValue().getType();
            if (t == Parameter.Type.RUNNING_MEAN || t == Parameter.Type.RUNNING_VAR) continue; // buffers in PyTorch
            n += p.getValue().getArray().size();
        }
        return n;
    }

    static void walk(Block b, Consumer<Block> visit) {
        visit.accept(b);
        for (Block child : b.getChildren().values()) walk(child, visit);
    }
}
