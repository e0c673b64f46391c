package org.sparselab.tracking;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Opens the {@link Tracker} a {@code tracking.uri} names. */
public final class Trackers {
    private Trackers() {}

    /**
     * {@code none} → records nothing; {@code file:<path>} or a plain path → a {@link FileStoreTracker}, and
     * {@code http(s)://} → a {@link RestTracker}, each behind a {@link SpooledTracker} whose spool lives in
     * {@code runDir} (events on disk first, sent in the background), with default timing.
     */
    public static Tracker open(String uri, Path runDir, Map<String, String> env) {
        return open(TrackingUri.parse(uri), runDir, env, SpooledTracker.Policy.defaults());
    }

    /** The tracker a run's {@code tracking:} section describes. */
    public static Tracker open(TrackingConfig cfg, Path runDir, Map<String, String> env) {
        return open(cfg.target(), runDir, env, cfg.policy());
    }

    public static Tracker open(TrackingUri uri, Path runDir, Map<String, String> env, SpooledTracker.Policy policy) {
        if (uri instanceof TrackingUri.FileStore f) {
            return new SpooledTracker(runDir, new FileStoreTracker(f.root()), policy);
        }
        if (uri instanceof TrackingUri.Server s) {
            return new SpooledTracker(runDir, new RestTracker(s.base(), env, policy.timeout()), policy);
        }
        return new NoopTracker();
    }

    /** {@code file:///abs}, {@code file:/abs} or {@code file:relative/path} to a path. */
    static Path fileUriPath(String uri) {
        String rest = uri.substring("file:".length());
        if (rest.startsWith("//")) return Path.of(URI.create(uri));
        return Path.of(rest.isEmpty() ? "." : rest);
    }
}
