package org.sparselab.tracking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies MLflow's rules before a backend sees an event: keys validated, param and tag values truncated to the server
 * limits (truncated param keys listed in tag {@code sparselab.params_truncated}), non-finite metric points dropped
 * (keys listed in {@code sparselab.nonfinite_metrics}, {@code sparselab.loss_is_nan=true} for a loss, one warning).
 *
 * <p>Why drop rather than send: NaN breaks MLflow 3.x's run page (mlflow#16555) and ±Inf is stored as ±max-double
 * by SQL stores (PR#22826), so a value would be misread either way.
 */
abstract class SanitizingTracker implements Tracker {
    static final String TAG_PARAMS_TRUNCATED = "sparselab.params_truncated";
    static final String TAG_NONFINITE = "sparselab.nonfinite_metrics";
    static final String TAG_LOSS_IS_NAN = "sparselab.loss_is_nan";

    private static final Logger LOG = LoggerFactory.getLogger(SanitizingTracker.class);

    private final Set<String> truncatedParams = new TreeSet<>();
    private final Set<String> nonFiniteKeys = new TreeSet<>();
    private boolean warnedNonFinite;

    protected abstract void writeParams(Map<String, String> params);

    protected abstract void writeMetrics(List<MetricPoint> points);

    protected abstract void writeTags(Map<String, String> tags);

    @Override
    public final void logParams(Map<String, String> params) {
        Map<String, String> clean = new LinkedHashMap<>();
        boolean newlyTruncated = false;
        for (Map.Entry<String, String> e : params.entrySet()) {
            String key = MlflowNames.checkKey("param", e.getKey());
            String v = e.getValue() == null ? "null" : e.getValue();
            if (v.length() > MlflowNames.MAX_PARAM_VALUE) newlyTruncated |= truncatedParams.add(key);
            clean.put(key, MlflowNames.truncate(v, MlflowNames.MAX_PARAM_VALUE));
        }
        if (!clean.isEmpty()) writeParams(clean);
        if (newlyTruncated) {
            LOG.warn("param values over {} characters were truncated for MLflow: {}", MlflowNames.MAX_PARAM_VALUE,
                    truncatedParams);
            writeTags(Map.of(TAG_PARAMS_TRUNCATED, MlflowNames.truncate(String.join(",", truncatedParams),
                    MlflowNames.MAX_TAG_VALUE)));
        }
    }

    @Override
    public final void logMetrics(List<MetricPoint> points) {
        List<MetricPoint> finite = new ArrayList<>(points.size());
        boolean newKey = false;
        for (MetricPoint p : points) {
            MlflowNames.checkKey("metric", p.key());
            if (Double.isFinite(p.value())) {
                finite.add(p);
            } else {
                newKey |= nonFiniteKeys.add(p.key());
            }
        }
        if (!finite.isEmpty()) writeMetrics(finite);
        if (newKey) {
            if (!warnedNonFinite) {
                LOG.warn("non-finite metric values are not sent to MLflow (tag {}): {}", TAG_NONFINITE, nonFiniteKeys);
                warnedNonFinite = true;
            }
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put(TAG_NONFINITE, MlflowNames.truncate(String.join(",", nonFiniteKeys), MlflowNames.MAX_TAG_VALUE));
            if (nonFiniteKeys.stream().anyMatch(k -> k.contains("loss"))) tags.put(TAG_LOSS_IS_NAN, "true");
            writeTags(tags);
        }
    }

    @Override
    public final void setTags(Map<String, String> tags) {
        Map<String, String> clean = new LinkedHashMap<>();
        tags.forEach((k, v) -> clean.put(MlflowNames.checkKey("tag", k),
                MlflowNames.truncate(v == null ? "null" : v, MlflowNames.MAX_TAG_VALUE)));
        if (!clean.isEmpty()) writeTags(clean);
    }

    /** Start tags, checked the same way, with MLflow's system tags added when the caller left them out. */
    static Map<String, String> startTags(String runName, Map<String, String> tags) {
        Map<String, String> all = new LinkedHashMap<>();
        if (runName != null) all.put("mlflow.runName", runName);
        all.put("mlflow.user", System.getProperty("user.name", "unknown"));
        all.put("mlflow.source.type", "LOCAL");
        if (tags != null) {
            tags.forEach((k, v) -> all.put(MlflowNames.checkKey("tag", k),
                    MlflowNames.truncate(v == null ? "null" : v, MlflowNames.MAX_TAG_VALUE)));
        }
        return all;
    }
}
