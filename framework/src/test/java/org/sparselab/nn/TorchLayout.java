package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/** What PyTorch knows about an array's layout and DJL does not expose, for tests that check memory formats. */
public final class TorchLayout {
    private TorchLayout() {}

    /**
     * PyTorch's {@code is_contiguous()} (default format): false for a channels-last array with more than one
     * channel (with one channel, NHWC and NCHW are the same bytes and both count as contiguous).
     */
    public static boolean contiguous(NDArray a) {
        try {
            Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            Field instance = lib.getDeclaredField("LIB");
            instance.setAccessible(true);
            Method isContiguous = lib.getDeclaredMethod("torchIsContiguous", long.class);
            isContiguous.setAccessible(true);
            long handle = (Long) ((ai.djl.pytorch.engine.PtNDArray) a).getHandle();
            return (Boolean) isContiguous.invoke(instance.get(null), handle);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DJL's PyTorch JNI layout changed: no torchIsContiguous", e);
        }
    }
}
