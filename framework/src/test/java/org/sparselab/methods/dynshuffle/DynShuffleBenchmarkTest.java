package org.sparselab.methods.dynshuffle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.nn.ConvFactory;

/** {@code bench dynshuffle}'s measurement on a small input: every form, every shuffle point, every stage. */
class DynShuffleBenchmarkTest {
    @Test
    @SuppressWarnings("unchecked")
    void timesEveryFormAndEveryStageOfEveryShufflePoint() {
        var models = Models.defaults();
        Map<String, Object> r = DynShuffleBenchmark.run(f -> models.create("shufflenet_v2_x0_5",
                new ModelContext(3, 16, 10, ConvFactory.dense(), f)), new Shape(1, 3, 16, 16), new int[] {2}, 0, 2,
                4, 1, 7, new int[] {1, 3});

        List<Map<String, Object>> inference = (List<Map<String, Object>>) r.get("inference");
        assertEquals(DynShuffleBenchmark.FORMS.keySet().stream().toList(),
                inference.stream().map(row -> row.get("form")).toList());
        for (Map<String, Object> row : inference) {
            assertTrue(((Number) row.get("medianMs")).doubleValue() > 0, row.toString());
        }
        List<Map<String, Object>> points = (List<Map<String, Object>>) r.get("points");
        assertEquals(2 * 16, points.size(), "ShuffleNet V2: 4 + 8 + 4 blocks, one shuffle each, at 2 batch sizes");
        for (int i = 0; i < points.size(); i++) {
            Map<String, Object> p = points.get(i);
            long batch = i < 16 ? 1 : 3;
            assertEquals(batch, ((Number) p.get("batch")).longValue(), p.toString());
            assertTrue(p.get("input").toString().startsWith("(" + batch + ", "), p.toString());
            for (String stage : DynShuffleBenchmark.STAGES) {
                assertTrue(((Number) p.get(stage + "_us")).doubleValue() > 0, stage + " of " + p);
            }
        }
        assertEquals("stage2.block0.shuffle", points.get(0).get("point"));
    }
}
