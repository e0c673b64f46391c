package org.sparselab.tracking;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import org.sparselab.config.ConfigException;

/** Opens the {@link Tracker} a {@code tracking.uri} names. */
public final class Trackers {
    private Trackers() {}

    /**
     * {@code none} → records nothing; {@code file:<path>} or a plain path → {@link FileStoreTracker};
     * {@code http(s)://} → a {@link RestTracker} behind a {@link SpooledTracker} whose spool lives in {@code runDir}.
     */
    public static Tracker open(String uri, Path runDir) {
        return open(uri, runDir, System.getenv());
    }

    public static Tracker open(String uri, Path runDir, java.util.Map<String, String> env) {
        return open(TrackingUri.parse(uri), runDir, env);
    }

    public static Tracker open(TrackingUri uri, Path runDir, java.util.Map<String, String> env) {
        if (uri instanceof TrackingUri.FileStore f) return new FileStoreTracker(f.root());
        if (uri instanceof TrackingUri.Server s) return new SpooledTracker(runDir, s.base(), env, policy(env));
        return new NoopTracker();
    }

    /**
     * Network patience from the environment, defaults otherwise: {@code SPARSELAB_MLFLOW_TIMEOUT_MS} (per request,
     * 10 000), {@code SPARSELAB_MLFLOW_FINISH_WAIT_MS} (how long the end of a run waits for a backlog, 30 000).
     */
    static SpooledTracker.Policy policy(java.util.Map<String, String> env) {
        SpooledTracker.Policy d = SpooledTracker.Policy.defaults();
        return new SpooledTracker.Policy(
                java.time.Duration.ofMillis(millis(env, "SPARSELAB_MLFLOW_TIMEOUT_MS", d.timeout().toMillis())),
                d.baseBackoffMs(), d.maxBackoffMs(), millis(env, "SPARSELAB_MLFLOW_FINISH_WAIT_MS", d.finishWaitMs()),
                d.clockMs(), d.sleeper(), d.pid(), d.pidStartMs());
    }

    private static long millis(java.util.Map<String, String> env, String key, long fallback) {
        String v = env.get(key);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "expected milliseconds as an integer, found '" + v + "'");
        }
    }

    /**
     * The directory of an MLflow file store a tracking URI names ({@code file:…} or a plain path); other URIs are bad
     * input here (reading runs back from a server is not supported: read the run records instead).
     */
    public static Path fileStorePath(String uri) {
        String u = uri.trim();
        if (u.toLowerCase(Locale.ROOT).startsWith("file:")) return fileUriPath(u);
        int colon = u.indexOf(':');
        if (colon > 1 && u.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*") || u.equalsIgnoreCase("none")) {
            throw new ConfigException("--mlflow", "expected an MLflow file store (file:<path> or a path), found '" + u
                    + "'; runs on a server are read from their run records");
        }
        return Path.of(u);
    }

    /** {@code file:///abs}, {@code file:/abs} or {@code file:relative/path} to a path. */
    static Path fileUriPath(String uri) {
        String rest = uri.substring("file:".length());
        if (rest.startsWith("//")) return Path.of(URI.create(uri));
        return Path.of(rest.isEmpty() ? "." : rest);
    }
}
