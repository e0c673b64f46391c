package org.sparselab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class AccuracyTest {
    @Test
    void countsTop1AndTop5Hits() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 3 samples, 6 classes. Sample 0: label is the argmax (top-1 hit). Sample 1: label ranks 3rd (top-5
            // hit only). Sample 2: label ranks last (no hit).
            float[] logits = {
                9, 1, 2, 3, 4, 5,
                9, 8, 7, 1, 2, 3,
                1, 2, 3, 4, 5, 0
            };
            var hits = Accuracy.hits(m.create(logits, new Shape(3, 6)), m.create(new long[] {0, 2, 5}));
            assertArrayEquals(new long[] {1, 2}, hits);
        }
    }

    @Test
    void topKIsCappedByTheNumberOfClasses() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 2 classes: top-k with k = 2 always hits.
            var hits = Accuracy.hits(m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)), m.create(new long[] {1, 1}));
            assertArrayEquals(new long[] {1, 2}, hits);
        }
    }
}
