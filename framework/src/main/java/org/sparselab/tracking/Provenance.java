package org.sparselab.tracking;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a run came from: code version (git commit, dirty flag, branch, remote), runtime versions (Java, DJL,
 * PyTorch), OS and architecture. Everything a reader needs to rerun it or to explain a difference.
 */
public record Provenance(String gitCommit, boolean gitDirty, String gitBranch, String gitRemote, String javaVersion,
        String djlVersion, String pytorchVersion, String osName, String osArch, String user) {

    public static Provenance collect(Path projectDir) {
        String commit = git(projectDir, "rev-parse", "HEAD");
        String status = git(projectDir, "status", "--porcelain", "--untracked-files=no");
        String engineVersion;
        try {
            engineVersion = Engine.getInstance().getVersion();
        } catch (RuntimeException e) {
            engineVersion = "unavailable";
        }
        return new Provenance(commit == null ? "unknown" : commit, status != null && !status.isBlank(),
                orUnknown(git(projectDir, "rev-parse", "--abbrev-ref", "HEAD")),
                orUnknown(git(projectDir, "config", "--get", "remote.origin.url")),
                System.getProperty("java.version"), Engine.getDjlVersion(), engineVersion,
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("user.name"));
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("git_commit", gitCommit);
        m.put("git_dirty", gitDirty);
        m.put("git_branch", gitBranch);
        m.put("git_remote", gitRemote);
        m.put("java_version", javaVersion);
        m.put("djl_version", djlVersion);
        m.put("pytorch_version", pytorchVersion);
        m.put("os_name", osName);
        m.put("os_arch", osArch);
        m.put("user", user);
        return m;
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? "unknown" : s;
    }

    /** Output of a git command, trimmed; null when git or the repository is missing. */
    private static String git(Path dir, String... args) {
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
