package org.sparselab.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.sparselab.config.ConfigException;

/**
 * How a 4-D activation is laid out in memory: {@code NCHW} (PyTorch's default, contiguous) or {@code CHANNELS_LAST}
 * (NHWC in memory, still shaped (N, C, H, W)).
 *
 * <p>DJL has no {@code to(memory_format)}, but PyTorch decides a tensor's format from its strides, so {@link #apply}
 * makes channels-last from ops DJL does expose: permute to NHWC, reshape (which must copy: the permuted view cannot be
 * flattened in place, so the copy is contiguous NHWC), and permute back to an (N, C, H, W) view with NHWC strides.
 * PyTorch's CPU convolution (oneDNN) then runs in NHWC and returns NHWC; BatchNorm, ReLU and residual adds keep the
 * format, so converting a network's input once runs the whole network channels-last. Values are unchanged; only the
 * accumulation order inside a convolution kernel may differ (float rounding).
 */
public enum MemoryFormat {
    NCHW("nchw"),
    CHANNELS_LAST("channels_last");

    private final String configName;

    MemoryFormat(String configName) {
        this.configName = configName;
    }

    /** The name used in configs and records: {@code nchw} or {@code channels_last}. */
    public String configName() {
        return configName;
    }

    /** The format named {@code name} ({@code nchw}, {@code channels_last}); null when there is none. */
    public static MemoryFormat named(String name) {
        for (MemoryFormat f : values()) if (f.configName.equals(name)) return f;
        return null;
    }

    /** Whether this engine runs convolutions in this format (channels-last: PyTorch only; NCHW: always). */
    public boolean supported() {
        return this == NCHW || TorchEngine.active();
    }

    /**
     * Refuses this format where the engine cannot run it: a {@link ConfigException} on {@code key} naming the engine
     * and the way out. NCHW never touches the engine.
     */
    public MemoryFormat requireSupported(String key) {
        if (!supported()) {
            throw new ConfigException(key, configName + " needs DJL's PyTorch engine, this process runs "
                    + Engine.getInstance().getEngineName() + "; use " + NCHW.configName);
        }
        return this;
    }

    /**
     * {@code x} (N, C, H, W) in this format, same shape and values; NCHW returns {@code x} itself (a channels-last
     * {@code x} stays so: NCHW here means "leave it as it is"). The result belongs to {@code x}'s manager.
     */
    public NDArray apply(NDArray x) {
        return apply(x, x.getManager());
    }

    /**
     * {@code x} in this format, the result and every intermediate owned by {@code owner}: for a parameter converted
     * in a forward pass, the pass's manager (DJL would put them in the parameter's, the model's, for good).
     */
    public NDArray apply(NDArray x, NDManager owner) {
        if (this == NCHW) return x;
        Shape s = x.getShape();
        if (s.dimension() != 4) throw new IllegalArgumentException("channels-last needs (N, C, H, W), got " + s);
        NDArray view = own(x.transpose(0, 2, 3, 1), owner);
        NDArray nhwc = own(view.reshape(s.get(0), s.get(2) * s.get(3) * s.get(1)), owner);
        NDArray back = own(nhwc.reshape(s.get(0), s.get(2), s.get(3), s.get(1)), owner);
        return own(back.transpose(0, 3, 1, 2), owner);
    }

    private static NDArray own(NDArray a, NDManager owner) {
        if (a.getManager() != owner) a.attach(owner);
        return a;
    }
}
