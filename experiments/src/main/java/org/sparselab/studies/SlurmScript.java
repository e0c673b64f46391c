package org.sparselab.studies;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.sparselab.config.ConfigException;
import org.sparselab.tracking.AtomicFiles;

/**
 * An sbatch job-array script for a sweep: one array task per point that needs a run, each running
 * {@code ./sparselab run <child.yaml> --idempotent} in the project directory (so relative {@code output.dir} and
 * {@code tracking.uri} resolve to the same shared results directory and MLflow store as on the submitting machine).
 *
 * <p>Correct by construction: the task id indexes a bash array of absolute child-config paths written in point
 * order; the array spec lists only the indices to run; each task pins its threads to the CPUs Slurm gave it and
 * does not rebuild the jar ({@code SPARSELAB_NO_BUILD=1}); {@code --idempotent} makes a resubmitted task skip a
 * FINISHED point and resume an interrupted one. Tasks are requeueable ({@code --requeue}) and the JVM, which the task
 * {@code exec}s, receives SIGTERM before the time limit ({@code --signal=B:TERM@120}) as on preemption: it checkpoints
 * at its next step and the requeued task resumes from there.
 */
public final class SlurmScript {
    public static final String FILE = "sweep.sbatch";
    /** Seconds before the time limit at which the task's JVM gets SIGTERM (to checkpoint and end interrupted). */
    static final int SIGNAL_BEFORE_LIMIT_S = 120;

    /**
     * @param cpusPerTask CPUs (= compute threads) per task
     * @param time wall-clock limit per task ({@code HH:MM:SS}); null for the cluster default
     * @param memory memory per task ({@code 16G}); null for the cluster default
     * @param partition partition; null for the default
     * @param maxParallel most tasks at once ({@code %N} of the array); 0 for no limit
     * @param extra further {@code #SBATCH} options, e.g. {@code --account=abc}
     */
    public record Options(int cpusPerTask, String time, String memory, String partition, int maxParallel,
            List<String> extra) {
        public Options {
            if (cpusPerTask < 1) throw ConfigException.expected("--cpus-per-task", "a positive integer", cpusPerTask);
            extra = List.copyOf(extra);
            for (String e : extra) {
                if (!e.startsWith("--") || e.contains("\n")) {
                    throw ConfigException.expected("--sbatch", "an sbatch option such as --account=abc", e);
                }
            }
        }
    }

    private SlurmScript() {}

    /** Writes {@code sweepDir/sweep.sbatch}; {@code configs} holds every point's config, {@code run} the indices to run. */
    public static Path write(Path sweepDir, String name, List<Path> configs, List<Integer> run, Path projectDir,
            Options o) throws IOException {
        Path file = sweepDir.resolve(FILE);
        java.nio.file.Files.createDirectories(sweepDir.resolve("logs")); // Slurm does not create --output's directory
        AtomicFiles.write(file, content(sweepDir, name, configs, run, projectDir, o));
        file.toFile().setExecutable(true);
        return file;
    }

    static String content(Path sweepDir, String name, List<Path> configs, List<Integer> run, Path projectDir,
            Options o) {
        Path dir = sweepDir.toAbsolutePath().normalize();
        StringBuilder sb = new StringBuilder("#!/usr/bin/env bash\n");
        sb.append("# sparselab sweep '").append(name).append("': ").append(run.size()).append(" of ")
                .append(configs.size()).append(" point(s), one array task each. Generated ")
                .append(Instant.now()).append(".\n");
        sb.append("# Submit: sbatch ").append(dir.resolve(FILE)).append('\n');
        sb.append("# Manifest: ").append(dir.resolve(SweepManifest.FILE))
                .append(" (array task i runs point i, config CONFIGS[i])\n");
        sb.append("#SBATCH --job-name=").append(name.replaceAll("[^A-Za-z0-9_.-]", "_")).append('\n');
        sb.append("#SBATCH --array=").append(arraySpec(run)).append(o.maxParallel() > 0 ? "%" + o.maxParallel() : "")
                .append('\n');
        sb.append("#SBATCH --ntasks=1\n");
        // Preemption and node failures requeue the task, which resumes its run; SIGTERM (at preemption, and from
        // --signal 2 minutes before the time limit) makes the run checkpoint at its next step and end interrupted.
        sb.append("#SBATCH --requeue\n");
        sb.append("#SBATCH --signal=B:TERM@").append(SIGNAL_BEFORE_LIMIT_S).append('\n');
        sb.append("#SBATCH --cpus-per-task=").append(o.cpusPerTask()).append('\n');
        if (o.time() != null) sb.append("#SBATCH --time=").append(o.time()).append('\n');
        if (o.memory() != null) sb.append("#SBATCH --mem=").append(o.memory()).append('\n');
        if (o.partition() != null) sb.append("#SBATCH --partition=").append(o.partition()).append('\n');
        for (String e : o.extra()) sb.append("#SBATCH ").append(e).append('\n');
        sb.append("#SBATCH --output=").append(dir.resolve("logs")).append("/slurm-%A_%a.log\n");
        sb.append("set -euo pipefail\n\n");
        sb.append("cd ").append(quote(projectDir.toAbsolutePath().normalize().toString())).append('\n');
        sb.append("CONFIGS=(\n");
        for (Path c : configs) sb.append("  ").append(quote(c.toAbsolutePath().normalize().toString())).append('\n');
        sb.append(")\n");
        sb.append("CONFIG=\"${CONFIGS[$SLURM_ARRAY_TASK_ID]}\"\n");
        sb.append("THREADS=\"${SLURM_CPUS_PER_TASK:-").append(o.cpusPerTask()).append("}\"\n");
        sb.append("export OMP_NUM_THREADS=\"$THREADS\" MKL_NUM_THREADS=\"$THREADS\"\n");
        sb.append("export SPARSELAB_NO_BUILD=1  # tasks share one jar: build it before submitting, not per task\n");
        sb.append("export SPARSELAB_JAVA_OPTS=\"${SPARSELAB_JAVA_OPTS:--Xmx8g} -Dai.djl.pytorch.num_threads=$THREADS "
                + "-Dai.djl.pytorch.num_interop_threads=1\"\n");
        sb.append("echo \"sparselab sweep task $SLURM_ARRAY_TASK_ID on $(hostname): $CONFIG\"\n");
        sb.append("exec ./sparselab run \"$CONFIG\" --idempotent --no-progress\n");
        return sb.toString();
    }

    /** {@code 0-3,5,7-9}: sorted indices with runs collapsed. */
    static String arraySpec(List<Integer> indices) {
        List<Integer> sorted = indices.stream().sorted().distinct().toList();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) j++;
            if (sb.length() > 0) sb.append(',');
            sb.append(sorted.get(i));
            if (j > i) sb.append('-').append(sorted.get(j));
            i = j + 1;
        }
        return sb.toString();
    }

    /** A bash single-quoted word. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

}
