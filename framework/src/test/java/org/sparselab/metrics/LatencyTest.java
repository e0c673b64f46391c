package org.sparselab.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Interleaved timing: one sample per round per block, and the paired ratio over rounds. */
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
}
