package org.sparselab.tracking;

import java.util.Locale;
import java.util.regex.Pattern;

/** MLflow's server-side limits and name rules ({@code mlflow/utils/validation.py}), shared by every backend. */
final class MlflowNames {
    static final int MAX_METRICS_PER_BATCH = 1000;
    static final int MAX_PARAMS_PER_BATCH = 100;
    static final int MAX_TAGS_PER_BATCH = 100;
    static final int MAX_ENTITIES_PER_BATCH = 1000;
    static final int MAX_KEY_LENGTH = 250;
    /** 6000 on current servers; servers older than 1.x accept 500 only. */
    static final int MAX_PARAM_VALUE = 6000;
    /** 5000 on most servers (8000 on the newest): the smaller one is safe everywhere. */
    static final int MAX_TAG_VALUE = 5000;

    private static final Pattern KEY = Pattern.compile("^[/\\w.\\- ]*$");
    private static final Pattern EXPERIMENT_ID = Pattern.compile("^[a-zA-Z0-9][\\w\\-]{0,63}$");

    private MlflowNames() {}

    /** Throws unless {@code key} is a valid MLflow param/metric/tag name (also keeps file-store paths inside). */
    static String checkKey(String kind, String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || !KEY.matcher(key).matches()
                || key.contains("..") || key.startsWith("/") || key.endsWith("/") || key.contains("//")) {
            throw new IllegalArgumentException("invalid MLflow " + kind + " name '" + key + "': at most "
                    + MAX_KEY_LENGTH + " characters of letters, digits, _ - . / and space, no '..', no leading '/'");
        }
        return key;
    }

    static boolean validExperimentId(String id) {
        return id != null && EXPERIMENT_ID.matcher(id).matches();
    }

    /** Artifact sub-directory: "" or a relative path with the key rules (no '..'). */
    static String checkArtifactDir(String dir) {
        if (dir == null || dir.isEmpty()) return "";
        return checkKey("artifact directory", dir);
    }

    static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }

    static String statusName(RunStatus s) {
        return s.name().toUpperCase(Locale.ROOT);
    }

    /** MLflow's integer RunStatus enum as stored in the file store's meta.yaml. */
    static int statusCode(RunStatus s) {
        return switch (s) {
            case RUNNING -> 1;
            case FINISHED -> 3;
            case FAILED -> 4;
            case KILLED -> 5;
        };
    }
}
