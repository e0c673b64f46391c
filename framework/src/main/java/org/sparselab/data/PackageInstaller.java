package org.sparselab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs an operating-system package that ships a data set (Debian's {@code dataset-fashion-mnist}, say). The
 * last way to obtain data when it is nowhere on disk and cannot be downloaded: Debian's mirrors are often
 * reachable where the data set's own site is not.
 */
@FunctionalInterface
public interface PackageInstaller {
    /**
     * Installs {@code packageName}; returns null on success, otherwise why not (one line, for the error message).
     */
    String install(String packageName);

    /** Installs nothing: for tests and for users who did not ask for it. */
    PackageInstaller NONE = name -> "installing system packages is off here";

    /**
     * {@code apt-get install -y <package>}, only when running as root with apt-get on the PATH (never sudo: a
     * password prompt would hang a batch job).
     */
    static PackageInstaller aptIfRoot() {
        return name -> {
            if (!"root".equals(System.getProperty("user.name"))) return "not running as root";
            Path apt = Path.of("/usr/bin/apt-get");
            if (!Files.isExecutable(apt)) return "apt-get not found";
            try {
                ProcessBuilder pb = new ProcessBuilder(List.of(apt.toString(), "install", "-y", "-q", name))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
                Process p = pb.start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return "apt-get install " + name + " took over 10 minutes";
                }
                return p.exitValue() == 0 ? null : "apt-get install " + name + " exited with " + p.exitValue();
            } catch (IOException e) {
                return "apt-get could not start: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        };
    }
}
