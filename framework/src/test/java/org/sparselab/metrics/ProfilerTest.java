package org.sparselab.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sparselab.nn.ChannelShuffle;
import org.sparselab.nn.Conv2dBlock;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.LinearBlock;
import org.sparselab.nn.ShuffleSpec;

/** Parameter and MAC counts of small hand-built models, computed by hand in the comments. */
class ProfilerTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static Conv2dBlock conv(String path, int in, int out, int kernel, int groups) {
        ConvSpec spec = ConvSpec.of(path, ConvSpec.Role.BLOCK, in, out, kernel, 1, groups);
        return Conv2dBlock.builder().setSpec(spec).build();
    }

    private static SequentialBlock smallNet(int conv2Groups) {
        return new SequentialBlock()
                .add(conv("conv1", 3, 8, 3, 1))
                .add(BatchNorm.builder().build())
                .add(conv("conv2", 8, 8, 3, conv2Groups))
                .add(new ChannelShuffle(new ShuffleSpec("shuffle", 8, 2)))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(new LinearBlock("fc", 8, 10));
    }

    @Test
    void countsByHand() {
        // input 1×3×8×8; 3×3 convs with padding 1 keep 8×8 = 64 output positions
        // conv1 3→8 k3:       params 8·3·3·3 = 216;        MACs 216·64 = 13 824
        // BatchNorm(8):       gamma + beta = 16 other params (running mean/var are not parameters)
        // conv2 8→8 k3 g2:    params 8·(8/2)·3·3 = 288;    MACs 288·64 = 18 432
        // shuffle:            0, 0
        // fc 8→10:            params 8·10 + 10 = 90;       MACs 8·10 = 80
        // total params 216 + 16 + 288 + 90 = 610; MACs 13 824 + 18 432 + 80 = 32 336
        ModelProfile p = Profiler.profile(smallNet(2), new Shape(1, 3, 8, 8), manager);
        List<LayerRow> rows = p.layers();
        assertEquals(List.of("conv1", "conv2", "shuffle", "fc"), rows.stream().map(LayerRow::path).toList());
        assertEquals(List.of("conv", "conv", "shuffle", "linear"), rows.stream().map(LayerRow::kind).toList());
        assertEquals(List.of(216L, 288L, 0L, 90L), rows.stream().map(LayerRow::params).toList());
        assertEquals(List.of(13_824L, 18_432L, 0L, 80L), rows.stream().map(LayerRow::macs).toList());
        assertEquals(2, rows.get(1).groups());
        assertEquals(new Shape(1, 8, 8, 8), rows.get(1).inputShape());
        assertEquals(new Shape(1, 8), rows.get(3).inputShape());
        assertEquals(1.0, rows.get(0).density());
        assertEquals(16, p.otherParams());
        assertEquals(610, p.params());
        assertEquals(610, p.effectiveParams());
        assertEquals(32_336, p.macs());
        assertEquals(32_336, p.effectiveMacs());
    }

    @Test
    void groupsDivideConvMacs() {
        // conv2 with groups 1: params 8·8·3·3 = 576, MACs 576·64 = 36 864 = 2 × 18 432 (groups 2)
        ModelProfile dense = Profiler.profile(smallNet(1), new Shape(1, 3, 8, 8), manager);
        ModelProfile grouped = Profiler.profile(smallNet(2), new Shape(1, 3, 8, 8), manager);
        assertEquals(36_864, dense.layers().get(1).macs());
        assertEquals(dense.layers().get(1).macs(), 2 * grouped.layers().get(1).macs());
        assertEquals(32_336 + 18_432, dense.macs());
    }

    @Test
    void sharedLayerCostsMacsPerRunButParamsOnce() {
        // the same 1×1 conv 8→8 run twice on 1×8×4×4: params 64 once; MACs 64·16 = 1 024 per run → 2 048
        Conv2dBlock shared = conv("shared", 8, 8, 1, 1);
        SequentialBlock net = new SequentialBlock().add(shared).add(shared);
        ModelProfile p = Profiler.profile(net, new Shape(1, 8, 4, 4), manager);
        assertEquals(2, p.layers().size());
        assertEquals(List.of(64L, 0L), p.layers().stream().map(LayerRow::params).toList());
        assertEquals(64, p.params());
        assertEquals(2_048, p.macs());
        assertEquals(0, p.otherParams());
    }

    @Test
    void tableAndCsvShowEveryLayerAndTheTotals() {
        ModelProfile p = Profiler.profile(smallNet(2), new Shape(1, 3, 8, 8), manager);
        String table = p.toTable();
        String[] lines = table.split("\n");
        assertTrue(lines[0].startsWith("layer"), table);
        assertTrue(lines[0].contains("params") && lines[0].contains("MACs (M)"), table);
        // every data line is as wide as its columns: the MACs column ends at the same offset
        int end = lines[2].length();
        assertEquals(end, lines[3].length(), table);
        assertTrue(table.contains("conv2") && table.contains("8→8 k3 s1 g2"), table);
        assertTrue(lines[lines.length - 2].startsWith("total") && lines[lines.length - 2].contains("610"), table);
        assertTrue(lines[lines.length - 2].matches(".*0\\.0323 +0\\.0323"), table); // MACs in millions
        String csv = p.toCsv();
        String[] csvLines = csv.split("\n");
        assertEquals(1 + 4 + 2, csvLines.length, csv);
        assertEquals("conv1,conv,\"(1, 3, 8, 8)\",\"(1, 8, 8, 8)\",3→8 k3 s1,1,216,216,13824,13824,1.0", csvLines[1]);
        assertEquals(",total,,,,,610,610,32336,32336,", csvLines[6]);
    }
}
