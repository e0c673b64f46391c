package org.sparselab.nn;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * libtorch's C++ log threshold, as PyTorch's {@code TORCH_CPP_LOG_LEVEL} sets it. On a CPU that NNPACK does not
 * support, libtorch logs "Could not initialize NNPACK! Reason: Unsupported hardware." on every small convolution (it
 * asks NNPACK before testing the sizes): 178 359 lines in one CI run here. PyTorch reads {@code TORCH_CPP_LOG_LEVEL} in
 * its Python module only, so through DJL the variable did nothing; this reads it (INFO, WARNING, ERROR, FATAL or 0–3)
 * and writes libtorch's threshold, the exported {@code int FLAGS_caffe2_log_level} of libc10. Unset, the threshold is
 * ERROR, so libtorch's C++ warnings are dropped; its {@code TORCH_WARN} messages are another channel and still show.
 */
public final class TorchLog {
    static final String VARIABLE = "TORCH_CPP_LOG_LEVEL";
    private static final List<String> NAMES = List.of("INFO", "WARNING", "ERROR", "FATAL");
    private static boolean applied;

    private TorchLog() {}

    /**
     * Sets the threshold once per process, after loading the engine. Never throws: where libc10 or its flag cannot be
     * found (another engine, another build) libtorch keeps its own; a value it cannot read is named on stderr once.
     */
    public static synchronized void apply() {
        if (applied) return;
        applied = true;
        String value = System.getenv(VARIABLE);
        Integer level = level(value);
        if (level == null) {
            System.err.println("sparselab: " + VARIABLE + "='" + value + "' is not one of INFO, WARNING, ERROR, FATAL "
                    + "or 0-3; libtorch's C++ log threshold is left at ERROR");
            level = 2;
        }
        try {
            if (!TorchEngine.active()) return;
            Path lib = loaded("libc10.so");
            if (lib == null) return;
            NativeLibrary.getInstance(lib.toString()).getGlobalVariableAddress("FLAGS_caffe2_log_level")
                    .setInt(0, level);
        } catch (RuntimeException | LinkageError | IOException e) {
            // libtorch keeps its threshold: only its log volume depends on this
        }
    }

    /** The threshold {@code value} names: null (unset) → ERROR (2); a name or 0–3 → it; anything else → null. */
    static Integer level(String value) {
        if (value == null || value.isBlank()) return 2;
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.matches("[0-3]")) return Integer.parseInt(v);
        int i = NAMES.indexOf(v);
        return i < 0 ? null : i;
    }

    /** The path of the loaded shared object named {@code name}, from this process's memory map; null if none. */
    private static Path loaded(String name) throws IOException {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) return null;
        for (String line : Files.readAllLines(maps)) {
            int slash = line.indexOf('/');
            if (slash >= 0 && line.endsWith("/" + name)) return Path.of(line.substring(slash));
        }
        return null;
    }
}
