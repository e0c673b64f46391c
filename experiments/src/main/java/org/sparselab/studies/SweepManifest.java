package org.sparselab.studies;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.sparselab.tracking.AtomicFiles;

/**
 * {@code manifest.json} of a sweep directory: the sweep, its MLflow parent run, and every point with its values,
 * child config (file and SHA-256), status and run record. The coordinator rewrites it atomically whenever a point
 * changes, so a reader (a report, a second terminal) always sees a whole file; workers never write it.
 */
public final class SweepManifest {
    public static final String FILE = "manifest.json";
    public static final int FORMAT = 1;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The whole file. */
    public record Data(int format, String sweep, String experiment, String projectDir, String runsDir,
            String trackingUri, String parentRunId, List<String> command, String created, String updated,
            List<Source> sources, List<Point> points) {
        public Data withPoints(List<Point> p, String now) {
            return new Data(format, sweep, experiment, projectDir, runsDir, trackingUri, parentRunId, command,
                    created, now, sources, List.copyOf(p));
        }
    }

    /** An entry of the sweep: a config file, its overrides and axes (values as one-line YAML). */
    public record Source(String config, List<String> set, Map<String, List<String>> grid,
            List<Map<String, List<String>>> zip, int seeds) {}

    /**
     * One point.
     *
     * @param config the child config file, relative to the sweep directory
     * @param status PENDING, RUNNING, FINISHED, FAILED or KILLED
     * @param action what this invocation did: run, resume, skip (FINISHED before), wait (running elsewhere),
     *     failed (failed before, not retried), planned (written for a cluster job)
     */
    public record Point(int index, String label, String source, Map<String, String> values, String config,
            String configSha256, String status, String action, String runDir, String runId, String started,
            String ended, Double durationS, String log, String error) {
        public Point with(String status, String action) {
            return new Point(index, label, source, values, config, configSha256, status, action, runDir, runId,
                    started, ended, durationS, log, error);
        }

        public Point withRun(String runDir, String runId) {
            return new Point(index, label, source, values, config, configSha256, status, action, runDir, runId,
                    started, ended, durationS, log, error);
        }

        public Point withTimes(String started, String ended, Double durationS) {
            return new Point(index, label, source, values, config, configSha256, status, action, runDir, runId,
                    started, ended, durationS, log, error);
        }

        public Point withError(String error) {
            return new Point(index, label, source, values, config, configSha256, status, action, runDir, runId,
                    started, ended, durationS, log, error);
        }
    }

    private final Path file;
    private Data data;

    private SweepManifest(Path file, Data data) {
        this.file = file;
        this.data = data;
    }

    /** A manifest to be written at {@code dir/manifest.json}. */
    public static SweepManifest create(Path dir, Data data) throws IOException {
        SweepManifest m = new SweepManifest(dir.resolve(FILE), data);
        m.write();
        return m;
    }

    /** The manifest in {@code dir}, or null when there is none. */
    public static Data read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) return null;
        return JSON.readValue(f.toFile(), Data.class);
    }

    /** The run records the points of {@code data} name that exist (the runs a report of the sweep reads). */
    /**
     * The points' run directories that exist. A manifest records absolute paths; when the project was moved or
     * cloned elsewhere, a run is found beside the sweep instead ({@code <runs>/sweeps/<sweep>/} → {@code <runs>/<id>}).
     */
    public static List<Path> runDirs(Data data, Path sweepDir) {
        List<Path> dirs = new ArrayList<>();
        Path runs = sweepDir.toAbsolutePath().normalize().getParent().getParent();
        for (Point p : data.points()) {
            if (p.runDir() == null) continue;
            Path beside = runs.resolve(Path.of(p.runDir()).getFileName());
            if (Files.isDirectory(beside)) {
                dirs.add(beside);
            } else if (Files.isDirectory(Path.of(p.runDir()))) {
                dirs.add(Path.of(p.runDir()));
            }
        }
        return dirs;
    }

    public synchronized Data data() {
        return data;
    }

    public Path file() {
        return file;
    }

    /** Replaces point {@code index} by {@code change} of it and rewrites the file. */
    public synchronized Point update(int index, UnaryOperator<Point> change) throws IOException {
        List<Point> points = new ArrayList<>(data.points());
        Point p = change.apply(points.get(index));
        points.set(index, p);
        data = data.withPoints(points, java.time.Instant.now().toString());
        write();
        return p;
    }

    private void write() throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsString(data) + "\n");
    }
}
