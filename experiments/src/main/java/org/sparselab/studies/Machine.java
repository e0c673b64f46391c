package org.sparselab.studies;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The machine a report was made on, in one line: CPU model, logical cores, memory, OS, Java. */
public record Machine(String cpu, int cores, double memoryGiB, String os, String java, String host) {
    public static Machine current() {
        return new Machine(readCpuModel(), Runtime.getRuntime().availableProcessors(), readMemoryGiB(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                        + System.getProperty("os.arch") + ")",
                System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                org.sparselab.tracking.ProcessInfo.localHost());
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s, %d logical core(s), %s RAM, %s, Java %s, host %s", cpu, cores,
                Double.isNaN(memoryGiB) ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", memoryGiB), os, java,
                host);
    }

    private static String readCpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
        }
        return System.getProperty("os.arch") + " CPU";
    }

    private static double readMemoryGiB() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                String kb = line.replaceAll("[^0-9]", "");
                if (!kb.isEmpty()) return Long.parseLong(kb) / (1024.0 * 1024.0);
            }
        }
        return Double.NaN;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
