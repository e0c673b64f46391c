package org.sparselab.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's minor page faults so far, from Linux's {@code /proc/self/stat}; -1 where it cannot be read. */
final class PageFaults {
    private static final Path STAT = Path.of("/proc/self/stat");

    private PageFaults() {}

    static long minor() {
        try {
            return parseMinor(Files.readString(STAT));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Field 10 ({@code minflt}) of a stat line. The command name (field 2) is in parentheses and may hold spaces, so
     * fields are counted after its closing parenthesis.
     */
    static long parseMinor(String stat) {
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        return Long.parseLong(rest[7]); // rest[0] is field 3 (state)
    }
}
