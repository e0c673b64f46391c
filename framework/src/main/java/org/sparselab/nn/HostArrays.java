package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Engine arrays made from Java arrays on a forward path, through one reused direct buffer per thread. DJL stages a
 * heap array in a fresh direct buffer per call, which is freed only when the GC runs, so its pages are new on every
 * call: a dynamic shuffle's host index (64 × C longs per shuffle point at batch 64) cost about 1 100 minor page faults
 * per ShuffleNet V2 1.0× forward, 7 ms of 100 (bench dynshuffle, faults/pass). The result is the engine's own copy
 * (freed with its manager, its memory reused by malloc), so the staging buffer is free again when this returns.
 */
public final class HostArrays {
    private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();

    private HostArrays() {}

    /** A 1-D int64 array holding {@code values}, owned by {@code manager}. */
    public static NDArray int64(long[] values, NDManager manager) {
        int bytes = Math.multiplyExact(values.length, Long.BYTES);
        ByteBuffer staging = STAGING.get();
        if (staging == null || staging.capacity() < bytes) {
            staging = ByteBuffer.allocateDirect(Math.max(bytes, 4096)).order(ByteOrder.nativeOrder());
            STAGING.set(staging);
        }
        staging.clear();
        staging.asLongBuffer().put(values);
        staging.limit(bytes);
        // On the CPU the engine wraps the staging memory without a copy: copy it out before the next call reuses it.
        try (NDArray wrapped = manager.create(staging, new Shape(values.length), DataType.INT64)) {
            return wrapped.duplicate();
        }
    }
}
