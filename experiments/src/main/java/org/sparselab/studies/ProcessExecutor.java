package org.sparselab.studies;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs each point in a child JVM of the running program ({@code java -jar <this jar> run <child.yaml>}, or the same
 * class path and main class when not started from a jar), so a crash, a native memory leak or a stuck thread stays
 * inside one point.
 *
 * <p>Each child gets {@code threads} intra-op threads and one inter-op thread ({@code ai.djl.pytorch.num_threads},
 * {@code ai.djl.pytorch.num_interop_threads}, and {@code OMP_NUM_THREADS}/{@code MKL_NUM_THREADS} for the native
 * libraries), so that workers × threads stays within the cores. Heap and {@code -D} options of this JVM are passed on;
 * debugger and agent options are not. A child's stdin is a pipe from this process, so a child never outlives the sweep:
 * when the sweep dies (even by kill -9) the child sees the pipe end and stops as on SIGTERM.
 */
public final class ProcessExecutor implements PointExecutor {
    /** The environment variable that makes a child stop when its stdin ends (read by the CLI's Main). */
    public static final String STOP_ON_STDIN_EOF = "SPARSELAB_STOP_ON_STDIN_EOF";

    private final List<String> launcher;
    private final Path workDir;
    private final int threads;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping; // set by stopAll: a child started after it is stopped at once

    /**
     * @param launcher the command that starts the program ({@code java … -jar x.jar}); see {@link #launcherOf}
     * @param workDir the children's working directory (the project: relative output and tracking paths)
     */
    public ProcessExecutor(List<String> launcher, Path workDir, int threads) {
        this.launcher = List.copyOf(launcher);
        this.workDir = workDir;
        this.threads = threads;
    }

    /** {@code java <inherited options> -jar <jar>} for the program whose entry point is {@code mainClass}. */
    public static List<String> launcherOf(Class<?> mainClass, int threads) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (inherited(arg)) cmd.add(arg);
        }
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dai.djl.pytorch.num_threads=" + threads);
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        Path jar = codeSource(mainClass);
        if (jar != null && jar.toString().endsWith(".jar")) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else {
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(mainClass.getName());
        }
        return cmd;
    }

    /** Heap/stack sizes and system properties pass on; thread settings are the sweep's; agents and debuggers not. */
    static boolean inherited(String arg) {
        if (arg.startsWith("-Dai.djl.pytorch.num_threads=") || arg.startsWith("-Dai.djl.pytorch.num_interop_threads=")
                || arg.startsWith("-Djava.awt.headless=")) {
            return false;
        }
        return arg.startsWith("-D") || arg.startsWith("-Xmx") || arg.startsWith("-Xms") || arg.startsWith("-Xss")
                || arg.startsWith("-XX:MaxDirectMemorySize");
    }

    private static Path codeSource(Class<?> c) {
        try {
            var src = c.getProtectionDomain().getCodeSource();
            return src == null ? null : Path.of(src.getLocation().toURI());
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }

    public List<String> launcher() {
        return launcher;
    }

    @Override
    public int run(Path config, Path log) throws IOException, InterruptedException {
        return start(List.of("run", config.toAbsolutePath().toString(), "--no-progress"), log);
    }

    @Override
    public int resume(Path runDir, Path log) throws IOException, InterruptedException {
        return start(List.of("resume", runDir.toAbsolutePath().toString(), "--no-progress"), log);
    }

    private int start(List<String> args, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("MKL_NUM_THREADS", Integer.toString(threads));
        // The child's stdin stays an open pipe from this process: when this process dies, however it dies, the
        // kernel closes it and the child stops at its next step boundary (Main, SPARSELAB_STOP_ON_STDIN_EOF).
        env.put(STOP_ON_STDIN_EOF, "1");
        Process p = pb.start();
        OutputStream lifeline = p.getOutputStream(); // held (not garbage-collected, so not closed) while it runs
        live.add(p);
        // A worker thread that got past the sweep's own check just as the sweep was being stopped: stop its child
        // as stopAll would have (checkpoint, KILLED, resumable), instead of letting it train on.
        if (stopping) p.destroy();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy(); // the sweep is being stopped: the child checkpoints, marks its run KILLED, can be resumed
            throw e;
        } finally {
            live.remove(p);
            lifeline.close();
        }
    }

    /**
     * SIGTERM to every child (each marks its run KILLED in its shutdown hook), then waits up to 30 s; a child started
     * after this call gets SIGTERM at once.
     */
    @Override
    public void stopAll() {
        stopping = true;
        for (Process p : live) p.destroy();
        for (Process p : live) {
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
