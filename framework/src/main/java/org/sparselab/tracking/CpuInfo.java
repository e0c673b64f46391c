package org.sparselab.tracking;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The CPU a run computes on, as far as it changes results: PyTorch picks its CPU kernels (and oneDNN its
 * convolution algorithms) by the instruction-set extensions it finds, and splits reductions by its thread count, so
 * two machines with different ISA extensions or threads may give different last digits and, over many epochs,
 * different accuracies from the same config and seed. Recorded in every run summary to tell such runs apart.
 */
public final class CpuInfo {
    /** Extensions that select different kernels in PyTorch 2.x / oneDNN (x86-64 and AArch64). */
    static final List<String> KERNEL_ISA = List.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq",
            "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16",
            "amx_int8", "asimd", "asimddp", "sve", "sve2", "bf16", "i8mm");

    private CpuInfo() {}

    /** This machine: CPU model, kernel-relevant ISA extensions, logical cores and PyTorch's intra-op threads. */
    public static RunSummary.Cpu current() {
        List<String> lines = cpuinfo();
        String model = System.getProperty("os.arch") + " CPU";
        Set<String> flags = Set.of();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if ((key.equals("model name") || key.equals("Model name")) && !value.isEmpty()) model = value;
            if ((key.equals("flags") || key.equals("Features")) && flags.isEmpty()) {
                flags = Set.copyOf(Arrays.asList(value.split("\\s+")));
            }
        }
        List<String> isa = new ArrayList<>();
        for (String f : KERNEL_ISA) if (flags.contains(f)) isa.add(f);
        String forced = System.getenv("ATEN_CPU_CAPABILITY"); // PyTorch's override of the kernel choice
        if (forced != null && !forced.isBlank()) isa.add("ATEN_CPU_CAPABILITY=" + forced.strip());
        return new RunSummary.Cpu(model, isa, Runtime.getRuntime().availableProcessors(), torchThreads());
    }

    private static Integer torchThreads() {
        try {
            if (!"PyTorch".equals(Engine.getInstance().getEngineName())) return null;
            return ai.djl.pytorch.jni.JniUtils.getNumThreads();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static List<String> cpuinfo() {
        try {
            Path p = Path.of("/proc/cpuinfo");
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
