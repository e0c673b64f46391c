package org.sparselab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class SmoothedCrossEntropyTest {
    @Test
    void plainCrossEntropyMatchesHandComputation() {
        try (NDManager m = NDManager.newBaseManager()) {
            // logits [0, ln 3] → softmax [1/4, 3/4]; label 1 → −ln(3/4) = 0.2876821
            NDArray logits = m.create(new float[] {0f, (float) Math.log(3)}, new ai.djl.ndarray.types.Shape(1, 2));
            NDArray labels = m.create(new long[] {1});
            assertEquals(-Math.log(0.75), new SmoothedCrossEntropy(0).loss(logits, labels).getFloat(), 1e-6);
        }
    }

    @Test
    void smoothingMatchesTorchDefinition() {
        try (NDManager m = NDManager.newBaseManager()) {
            // ε = 0.1, K = 2: target [0.05, 0.95]; loss = −0.05·ln(1/4) − 0.95·ln(3/4)
            //   = 0.05·1.3862944 + 0.95·0.2876821 = 0.0693147 + 0.2732980 = 0.3426127
            NDArray logits = m.create(new float[] {0f, (float) Math.log(3)}, new ai.djl.ndarray.types.Shape(1, 2));
            NDArray labels = m.create(new long[] {1});
            assertEquals(0.3426127, new SmoothedCrossEntropy(0.1).loss(logits, labels).getFloat(), 1e-6);
        }
    }

    @Test
    void batchLossIsTheMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two samples with equal logits over 4 classes: each loss ln 4, mean ln 4
            NDArray logits = m.zeros(new ai.djl.ndarray.types.Shape(2, 4));
            NDArray labels = m.create(new long[] {0, 3});
            assertEquals(Math.log(4), new SmoothedCrossEntropy(0).loss(logits, labels).getFloat(), 1e-6);
        }
    }
}
