package org.sparselab.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a benchmark measured: the JSON record's fields (after the machine header) and the file they go to.
 *
 * @param file the record's file name without {@code .json} (e.g. {@code strucspars}, or {@code strucspars_resnet20}
 *     when a non-default model was benchmarked, so the default's record is not overwritten)
 */
public record BenchResult(String file, Map<String, Object> fields) {
    public BenchResult {
        if (file == null || !file.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("bench result file must match [a-z0-9_]+: " + file);
        }
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
