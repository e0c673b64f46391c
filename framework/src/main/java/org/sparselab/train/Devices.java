package org.sparselab.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import org.sparselab.config.ConfigException;

/**
 * Parses {@code device: auto | cpu | gpu | gpu:N | gpu:all} into DJL devices. {@code auto} takes the first GPU when
 * the engine sees one, else the CPU; {@code gpu:all} trains data-parallel on every visible GPU.
 */
public final class Devices {
    private Devices() {}

    public static Device[] resolve(String spec) {
        return resolve(spec, Engine.getInstance().getGpuCount());
    }

    static Device[] resolve(String spec, int gpuCount) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) return new Device[] {Device.cpu()};
        if (s.equals("auto")) return new Device[] {gpuCount > 0 ? Device.gpu(0) : Device.cpu()};
        if (s.equals("gpu") || s.startsWith("gpu:")) {
            if (gpuCount == 0) {
                throw new ConfigException("device", "'" + spec + "' asked for a GPU but the PyTorch engine sees none "
                        + "(CPU natives on the classpath?); use device: cpu or auto, or build with -Pcuda (README, GPU)");
            }
            if (s.equals("gpu")) return new Device[] {Device.gpu(0)};
            String idx = s.substring(4);
            if (idx.equals("all")) {
                Device[] all = new Device[gpuCount];
                for (int i = 0; i < gpuCount; i++) all[i] = Device.gpu(i);
                return all;
            }
            try {
                int n = Integer.parseInt(idx);
                if (n < 0 || n >= gpuCount) {
                    throw new ConfigException("device", "gpu:" + n + " does not exist; " + gpuCount + " GPU(s) visible");
                }
                return new Device[] {Device.gpu(n)};
            } catch (NumberFormatException e) {
                throw ConfigException.expected("device", "auto, cpu, gpu, gpu:N or gpu:all", spec);
            }
        }
        throw ConfigException.expected("device", "auto, cpu, gpu, gpu:N or gpu:all", spec);
    }

    /** Syntax check without touching the engine, for config validation. */
    public static void checkSyntax(String spec) {
        if (spec == null || !spec.trim().toLowerCase(Locale.ROOT).matches("auto|cpu|gpu|gpu:(\\d+|all)")) {
            throw ConfigException.expected("device", "auto, cpu, gpu, gpu:N or gpu:all", spec);
        }
    }

    public static String describe(Device[] devices) {
        StringBuilder sb = new StringBuilder();
        for (Device d : devices) sb.append(sb.length() == 0 ? "" : ",").append(d.toString());
        return sb.toString();
    }
}
