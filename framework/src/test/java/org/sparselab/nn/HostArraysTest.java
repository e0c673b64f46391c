package org.sparselab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/** Arrays staged through the reused direct buffer hold their values after later calls reuse it. */
class HostArraysTest {
    @Test
    void eachArrayKeepsItsOwnValuesWhenTheStagingBufferIsReused() {
        try (NDManager m = NDManager.newBaseManager()) {
            long[] first = {5, -1, 1L << 40, 0};
            NDArray a = HostArrays.int64(first, m);
            NDArray b = HostArrays.int64(new long[] {7, 8, 9, 10}, m); // same size: same staging memory
            long[] longer = java.util.stream.LongStream.rangeClosed(1, 513).toArray(); // beyond 4 KB: grows it
            NDArray c = HostArrays.int64(longer, m);
            assertEquals(DataType.INT64, a.getDataType());
            assertArrayEquals(first, a.toLongArray());
            assertArrayEquals(new long[] {7, 8, 9, 10}, b.toLongArray());
            assertArrayEquals(longer, c.toLongArray());
            assertEquals(a.getManager(), m);
        }
    }
}
