package org.sparselab.tracking;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a run came from: code version (git commit, dirty flag and the changed paths, branch, remote), runtime
 * versions (Java, DJL, PyTorch), OS and architecture. Everything a reader needs to rerun it or to explain a
 * difference.
 *
 * <p>"Dirty" means a tracked file that can change what a run computes differs from the commit. The tree's output
 * folders ({@link #OUTPUT_DIRS}) do not count: a sweep rewrites its own committed records there when it starts,
 * and a run's outputs are not its code.
 */
public record Provenance(String gitCommit, boolean gitDirty,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<String> gitDirtyPaths, String gitBranch,
        String gitRemote, String javaVersion, String djlVersion, String pytorchVersion, String osName, String osArch,
        String user) {

    /** Top-level folders that hold outputs (run records, reports, bench JSON; the default MLflow file store). */
    public static final List<String> OUTPUT_DIRS = List.of("results", "mlruns");

    /** At most this many changed paths are recorded; the count says how many there were. */
    static final int MAX_PATHS = 20;

    /** {@code gitDirtyPaths} is null for records written before the paths were kept. */
    public Provenance {
        gitDirtyPaths = gitDirtyPaths == null ? null : List.copyOf(gitDirtyPaths);
    }

    /** The file, in a run's directory, that holds {@link #codeDiff} when the run's tree was dirty. */
    public static final String CODE_DIFF = "code.diff";

    /** A diff longer than this is cut (and says so): the record is for reading, not for a repository's history. */
    static final int MAX_DIFF_CHARS = 1 << 20;

    public static Provenance collect(Path projectDir) {
        String commit = trimmed(git(projectDir, "rev-parse", "HEAD"));
        String status = git(projectDir, codeOnly("status", "--porcelain", "--untracked-files=no"));
        List<String> changed = dirtyPaths(status);
        String engineVersion;
        try {
            engineVersion = Engine.getInstance().getVersion();
        } catch (RuntimeException e) {
            engineVersion = "unavailable";
        }
        return new Provenance(commit == null ? "unknown" : commit, !changed.isEmpty(), changed,
                orUnknown(trimmed(git(projectDir, "rev-parse", "--abbrev-ref", "HEAD"))),
                orUnknown(trimmed(git(projectDir, "config", "--get", "remote.origin.url"))),
                System.getProperty("java.version"), Engine.getDjlVersion(), engineVersion,
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("user.name"));
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("git_commit", gitCommit);
        m.put("git_dirty", gitDirty);
        if (gitDirtyPaths != null) m.put("git_dirty_paths", gitDirtyPaths);
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

    /**
     * {@code git diff HEAD} of the tracked files that count for {@link #gitDirty} (outputs left out): with the
     * commit, the code a dirty run ran, as W&amp;B keeps a run's diff.patch. Empty for a clean tree or without git.
     */
    public static String codeDiff(Path projectDir) {
        String diff = git(projectDir, codeOnly("diff", "HEAD", "--no-color", "--no-ext-diff"));
        if (diff == null) return "";
        if (diff.length() <= MAX_DIFF_CHARS) return diff;
        return diff.substring(0, MAX_DIFF_CHARS) + "\n[diff cut at " + MAX_DIFF_CHARS + " of " + diff.length()
                + " characters]\n";
    }

    /** A git command limited to the whole tree without {@link #OUTPUT_DIRS}. */
    private static String[] codeOnly(String... command) {
        List<String> cmd = new java.util.ArrayList<>(List.of(command));
        cmd.addAll(List.of("--", ":/"));
        OUTPUT_DIRS.forEach(d -> cmd.add(":(top,exclude)" + d));
        return cmd.toArray(String[]::new);
    }

    /** Paths of {@code git status --porcelain} output (v1: two status letters, a space, the path), capped. */
    static List<String> dirtyPaths(String porcelain) {
        if (porcelain == null || porcelain.isBlank()) return List.of();
        List<String> lines = porcelain.lines().filter(l -> l.length() > 3).map(l -> l.substring(3)).toList();
        if (lines.size() <= MAX_PATHS) return lines;
        List<String> capped = new java.util.ArrayList<>(lines.subList(0, MAX_PATHS));
        capped.add("… and " + (lines.size() - MAX_PATHS) + " more");
        return capped;
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? "unknown" : s;
    }

    /**
     * Output of a git command, untrimmed (porcelain lines start with a space); null when git or the repository is
     * missing.
     */
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
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
