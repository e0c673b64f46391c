package org.sparselab.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Interleaved timing: one sample per round per block, the paired ratio over rounds, page faults per pass. */
class LatencyTest {
    @Test
    void thePairedRatioIsTheMedianOfPerRoundRatiosNotTheRatioOfMedians() {
        // Round 3 is a slow phase of the machine for both blocks: per round, b is 1.1× a.
        Latency.Stats a = new Latency.Stats(64, 5, 10, 0, 0, new double[] {10, 10, 40, 10, 10});
        Latency.Stats b = new Latency.Stats(64, 5, 11, 0, 0, new double[] {11, 11, 44, 11, 11});
        assertEquals(1.1, b.pairedRatio(a), 1e-12);
        Latency.Stats c = new Latency.Stats(64, 5, 0, 0, 0, new double[] {9, 12, 80, 13, 10});
        assertEquals(1.2, c.pairedRatio(a), 1e-12, "per round 0.9, 1.2, 2.0, 1.3, 1.0: median 1.2");
    }

    @Test
    void everyBlockGetsOneSamplePerRoundInRoundOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block relu = Activation.reluBlock();
            relu.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 2, 4, 4));
            List<Latency.Stats> t = Latency.interleaved(List.of(relu, relu), new Shape(1, 2, 4, 4), 3, 1, 7, m);
            assertEquals(2, t.size());
            for (Latency.Stats s : t) {
                assertEquals(7, s.samplesMs().length);
                assertEquals(3, s.batch());
                double[] sorted = s.samplesMs().clone();
                java.util.Arrays.sort(sorted);
                assertEquals(sorted[0], s.minMs());
                assertEquals(Latency.percentile(sorted, 0.5), s.medianMs());
            }
        }
    }

    @Test
    void severalBatchSizesAreTimedInTheirOrderAfterOneWarmUp() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block relu = Activation.reluBlock();
            relu.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 2, 4, 4));
            List<List<Latency.Stats>> t = Latency.interleaved(List.of(relu, relu, relu), new Shape(1, 2, 4, 4),
                    new int[] {1, 64, 5}, 1, 4, m);
            assertEquals(3, t.size());
            int[] expected = {1, 64, 5};
            for (int j = 0; j < 3; j++) {
                assertEquals(3, t.get(j).size(), "one entry per block");
                for (Latency.Stats s : t.get(j)) {
                    assertEquals(expected[j], s.batch());
                    assertEquals(4, s.samplesMs().length);
                }
            }
        }
    }

    @Test
    void aStatLineGivesItsMinorFaultsEvenWithSpacesAndParenthesesInTheCommandName() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 123456 0 7 0 55 12 0 0 20 0 30 0 100";
        assertEquals(123456, PageFaults.parseMinor(stat));
    }

    @Test
    void aPassThatTouchesFreshMemoryShowsItsPageFaults() {
        org.junit.jupiter.api.Assumptions.assumeTrue(PageFaults.minor() >= 0, "no /proc/self/stat here");
        try (NDManager m = NDManager.newBaseManager()) {
            // 64 MB per pass, above glibc's largest mmap threshold (32 MB): fresh pages every pass, at least 32
            // faults even where transparent huge pages (2 MB) back it.
            Block fresh = new ai.djl.nn.LambdaBlock(x -> new ai.djl.ndarray.NDList(
                    x.head().add(x.head().getManager().ones(new Shape(16, 1024, 1024)).sum())));
            fresh.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 2, 4, 4));
            Latency.Stats s = Latency.interleaved(List.of(fresh), new Shape(1, 2, 4, 4), 1, 1, 3, m).get(0);
            assertTrue(s.faultsPerPass() >= 32, "faults per pass: " + s.faultsPerPass());
            assertEquals(s.faultsPerPass(), s.faultsCounted());
        }
    }

    @Test
    void uncountedFaultsAreNullForRecords() {
        assertEquals(null, new Latency.Stats(1, 3, 1, 1, 1, new double[] {1, 1, 1}).faultsCounted());
        assertEquals(0L, new Latency.Stats(1, 3, 1, 1, 1, new double[] {1, 1, 1}, 0).faultsCounted());
    }
}
