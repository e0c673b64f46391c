package org.sparselab.cli;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sparselab.bench.BenchContext;
import org.sparselab.bench.BenchOptions;
import org.sparselab.bench.BenchResult;
import org.sparselab.bench.BenchmarkRegistry;
import org.sparselab.tracking.AtomicFiles;
import org.sparselab.tracking.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sparselab bench <name>}: runs one registered benchmark ({@link Benchmarks}: the project's own and each
 * method's), prints its table and writes its JSON under {@code results/bench/}, headed by the machine it ran on. Every
 * comparison is a ratio of numbers measured in the same process, so machine speed cancels out; the header records
 * the load average before and after, so a number taken on a busy machine says so.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a registered benchmark (--list: each with one line); it prints a table and writes JSON "
                + "under --out.")
final class BenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", completionCandidates = Benchmarks.Names.class,
            description = "The benchmark: ${COMPLETION-CANDIDATES}.")
    String what;

    @Option(names = "--list", description = "List the registered benchmarks and their --param keys, then exit.")
    boolean list;

    @Option(names = "--config", description = "Experiment config whose data/model/batch size to use "
            + "(default: configs/quickstart.yaml).")
    Path config = QuickstartCommand.CONFIG;

    @Mixin
    ConfigOptions options;

    @Option(names = "--epochs", description = "bench train: epochs per loop (default 4).")
    int epochs = 4;

    @Option(names = "--samples", description = "bench train: training images per epoch (default 3840).")
    int samples = 3840;

    @Option(names = "--no-bare", description = "bench train: skip the bare DJL loop (memory trend of ours alone).")
    boolean noBare;

    @Option(names = "--repeats", description = "Timed passes per model and batch (default 30).")
    int repeats = 30;

    @Option(names = "--model", description = "The architecture (default: the benchmark's own, e.g. resnet56 for "
            + "strucspars).")
    String model;

    @Option(names = "--image-size", description = "Input height = width (default 32; 224 for ImageNet models).")
    int imageSize = 32;

    @Option(names = "--classes", description = "Classifier outputs (default 10).")
    int classes = 10;

    @Option(names = "--batches", split = ",", description = "Batch sizes to time (default 1,64).")
    int[] batches = {1, 64};

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A benchmark's own setting (see --list), "
            + "e.g. --param targets=0.5.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--out", description = "Directory for the JSON result (default results/bench).")
    Path outDir = Path.of("results", "bench");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BenchmarkRegistry registry = Benchmarks.defaults();
        PrintWriter out = spec.commandLine().getOut();
        if (list || what == null) {
            for (BenchmarkRegistry.Entry e : registry.entries()) {
                out.printf(Locale.ROOT, "%-12s %s%n", e.name(), e.summary());
                e.params().forEach((k, v) -> out.printf(Locale.ROOT, "%-12s   --param %s: %s%n", "", k, v));
            }
            out.flush();
            return 0;
        }
        BenchmarkRegistry.Entry entry = registry.get(what, params);
        BenchOptions opts = new BenchOptions(config, options.overrides, model, imageSize, classes, batches, repeats,
                epochs, samples, noBare, params);
        Map<String, Object> r = machineHeader(what);
        BenchResult result = entry.benchmark().run(new BenchContext(out, opts));
        r.putAll(result.fields());
        r.put("load_average_after", loadAverage());
        write(result.file(), r);
        return 0;
    }

    /**
     * What every benchmark's JSON starts with: which benchmark, when, on what, from which code, and how busy the
     * machine was (the 1-minute load average; above the core count, the numbers were taken under contention), and
     * glibc's malloc settings (they change absolute times several-fold where large buffers are re-faulted).
     */
    static Map<String, Object> machineHeader(String bench) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bench", bench);
        r.put("time", Instant.now().toString());
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        r.put("pytorch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default (all cores)"));
        r.put("load_average_before", loadAverage());
        r.put("malloc", mallocSettings());
        r.put("provenance", Provenance.collect(Path.of("").toAbsolutePath()).asMap());
        return r;
    }

    /** The glibc malloc variables the launcher sets (null: glibc's default, as when not run through it). */
    static Map<String, String> mallocSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String v : MALLOC_VARIABLES) m.put(v, System.getenv(v));
        return m;
    }

    static final List<String> MALLOC_VARIABLES = List.of("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_",
            "MALLOC_TRIM_THRESHOLD_");

    /** The 1-minute load average from /proc/loadavg, or null where it cannot be read. */
    static Double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void write(String name, Map<String, Object> r) throws IOException {
        Path f = outDir.resolve(name + ".json");
        AtomicFiles.write(f, JSON.writeValueAsString(r) + "\n");
        spec.commandLine().getOut().println("wrote " + f);
        spec.commandLine().getOut().flush();
    }
}
