package org.sparselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.nn.MemoryFormat;

class FormTunerTest {
    @Test
    void aFormMustBeNoSlowerThanTheReferenceAtEveryBatchSizeAndThenTheGeometricMeanDecides() {
        // [form][batch]: reference 1 ms / 10 ms.
        double[][] ms = {
            {1.0, 10.0},
            {0.5, 10.5}, // twice as fast at b1 but slower at b64: not eligible
            {0.9, 6.0}, // eligible, geometric mean ratio sqrt(0.9 * 0.6) = 0.73
            {0.8, 7.0}, // eligible, sqrt(0.8 * 0.7) = 0.748
        };
        assertEquals(2, FormTuner.pick(ms));
        assertEquals(0, FormTuner.pick(new double[][] {{1.0, 10.0}, {0.5, 10.5}}), "nothing beats the reference");
        assertEquals(0, FormTuner.pick(new double[][] {{1.0}, {1.0}, {1.0}}), "a tie keeps the reference");
        assertEquals(1, FormTuner.pick(new double[][] {{2.0}, {1.0}, {1.0}}), "a tie between forms: the earlier");
    }

    @Test
    void tuningNeedsDistinctPositiveBatchSizesAndOffTimesNothing() {
        assertThrows(IllegalArgumentException.class, () -> new DeployTuning(List.of(1, 1), 0, 1), "duplicate");
        assertThrows(IllegalArgumentException.class, () -> new DeployTuning(List.of(0, 64), 0, 1), "zero");
        assertThrows(IllegalArgumentException.class, () -> new DeployTuning(List.of(), 0, 1), "none");
        assertThrows(IllegalArgumentException.class, () -> new DeployTuning(List.of(1), 0, -1), "negative repeats");
        assertFalse(DeployTuning.off().enabled());
        assertEquals(new DeployTuning(List.of(1, 64), 3, 15), DeployTuning.defaults(), "the config's defaults");
    }

    @Test
    void theFastestExactFormIsKeptAndEveryTimingRecorded() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block slowIdentity = new LambdaBlock(x -> {
                sleep(4);
                return new NDList(x.head().mul(1));
            });
            Block identity = new LambdaBlock(x -> new NDList(x.head().mul(1)));
            Block slower = new LambdaBlock(x -> {
                sleep(8);
                return new NDList(x.head().mul(1));
            });
            DeployTuning tuning = new DeployTuning(List.of(1, 3), 1, 5);
            FormChoice c = FormTuner.choose("stage1.conv", List.of(new Form("dense", slowIdentity),
                    new Form("slower", slower), new Form("grouped", identity)), new Shape(1, 2, 4, 4),
                    MemoryFormat.NCHW, tuning, manager);
            assertEquals("grouped", c.form());
            assertEquals("dense", c.reference());
            assertTrue(c.beatsReference());
            assertTrue(c.speedup(0) > 1 && c.speedup(1) > 1, "speedups " + c.speedup(0) + ", " + c.speedup(1));
            Map<String, Object> m = c.toMap();
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Double>> timings = (Map<String, Map<String, Double>>) m.get("median_ms");
            assertEquals(List.of("dense", "slower", "grouped"), List.copyOf(timings.keySet()));
            assertEquals(List.of("b1", "b3"), List.copyOf(timings.get("slower").keySet()));
            assertTrue(timings.get("slower").get("b1") >= 8, "sleeping form timed: " + timings);

            FormChoice kept = FormTuner.choose("stage2.conv", List.of(new Form("dense", identity),
                    new Form("grouped", slowIdentity)), new Shape(1, 2, 4, 4), MemoryFormat.NCHW, tuning, manager);
            assertEquals("dense", kept.form());
            assertFalse(kept.beatsReference(), "no form beats the reference: it says so");
            assertEquals(Boolean.FALSE, kept.toMap().get("beats_reference"));
        }
    }

    @Test
    void aFormComputingSomethingElseIsRefusedAndTuningOffTimesNothing() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block identity = new LambdaBlock(x -> new NDList(x.head().mul(1)));
            Block doubled = new LambdaBlock(x -> new NDList(x.head().mul(2)));
            var e = assertThrows(IllegalStateException.class, () -> FormTuner.choose("layer3", List.of(
                    new Form("dense", identity), new Form("grouped", doubled)), new Shape(1, 2, 4, 4),
                    MemoryFormat.NCHW, new DeployTuning(List.of(2), 0, 1), manager));
            assertTrue(e.getMessage().startsWith("layer3: deployment form 'grouped' differs from 'dense'"),
                    e.getMessage());
            FormChoice off = FormTuner.choose("layer3", List.of(new Form("dense", identity),
                    new Form("grouped", doubled)), new Shape(1, 2, 4, 4), MemoryFormat.NCHW, DeployTuning.off(),
                    manager);
            assertEquals("dense", off.form());
            assertFalse(off.timed());
            int live = manager.getManagedArrays().size();
            FormTuner.choose("layer3", List.of(new Form("dense", identity), new Form("same", identity)),
                    new Shape(1, 2, 4, 4), MemoryFormat.CHANNELS_LAST, new DeployTuning(List.of(1, 2), 1, 2), manager);
            assertEquals(live, manager.getManagedArrays().size(), "timing leaves nothing behind");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
