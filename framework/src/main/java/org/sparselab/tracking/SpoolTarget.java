package org.sparselab.tracking;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A tracking backend the {@link Spool} can replay into, addressed by run id: an MLflow server ({@link RestTracker})
 * or an MLflow file store ({@link FileStoreTracker}). Beyond logging, a replay must find a run again (by id, or by the
 * tag its creation carried when the reply to the creation was lost), and read what the backend already holds so that
 * nothing is logged twice.
 */
interface SpoolTarget extends Tracker {
    /** Where {@link #open} finds this backend again: {@code http(s)://host:port} or {@code file:/abs/mlruns}. */
    String address();

    /** Continues the existing run {@code runId}; an {@link MlflowException} or IllegalStateException when it is gone. */
    void attach(String runId);

    /** The run of experiment {@code experimentName} whose tag {@code key} is {@code value}, if there is one. */
    Optional<String> findRun(String experimentName, String key, String value);

    /** The params the backend holds for the attached run. */
    Map<String, String> serverParams();

    /** Every point the backend holds for metric {@code key} of the attached run. */
    List<MetricPoint> metricHistory(String key);

    /**
     * Drops points of the attached run with a step after {@code lastStep} (a resumed run logs them again); a backend
     * that cannot delete points keeps them (MLflow's REST API has no call for it).
     */
    default void dropMetricsAfter(long lastStep) {}

    /** The backend at {@code address} ({@code http(s)://…} or {@code file:…}); credentials from {@code env}. */
    static SpoolTarget open(String address, Map<String, String> env, Duration timeout) {
        String lower = address.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) return new RestTracker(address, env, timeout);
        TrackingUri uri = TrackingUri.parse("server", address);
        if (uri instanceof TrackingUri.FileStore f) return new FileStoreTracker(f.root());
        throw new IllegalArgumentException("no tracking backend at '" + address + "'");
    }

    /** The address of a file store at {@code root}. */
    static String fileAddress(Path root) {
        return "file:" + root.toAbsolutePath().normalize();
    }
}
