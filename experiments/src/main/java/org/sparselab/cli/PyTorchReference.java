package org.sparselab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch eager reference loop of {@code bench train}: our own script ({@code pytorch_train_reference.py}, a
 * resource beside this class) run by a Python interpreter that imports torch. It trains the same CIFAR ResNet at the
 * same batch size and thread count on one random in-memory batch (no data loading), in NCHW and channels-last, and
 * prints images/s as JSON.
 *
 * <p>Which interpreter: {@code --param python=…} if given, else {@code $SPARSELAB_PYTHON}, else {@code python3} on the
 * PATH and then {@code /usr/bin/python3}, the first that imports torch: Debian's {@code python3-torch} installs into
 * the system interpreter, which a pyenv or venv {@code python3} earlier on the PATH hides. When none does, the
 * benchmark says so and why; it never reports a number it did not measure.
 */
final class PyTorchReference {
    static final String INSTALL_HINT = "install python3-torch: apt-get install python3-torch";
    static final String SCRIPT = "pytorch_train_reference.py";
    /** The CIFAR ResNets the script builds: depth 6n + 2, n blocks per stage (models.CifarResNet's variants). */
    static final Map<String, Integer> BLOCKS_PER_STAGE =
            Map.of("resnet20", 3, "resnet32", 5, "resnet44", 7, "resnet56", 9, "resnet110", 18);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PROBE_TIMEOUT_S = 120;
    private static final long RUN_TIMEOUT_S = 1800;

    /** What one run of the script measured. */
    record Measurement(String torchVersion, int threads, long params, Map<String, Double> imagesPerSecond) {}

    /** One run's settings: the model (by blocks per stage), its input, batch, threads and how many steps. */
    record Setup(int blocksPerStage, int inChannels, int imageSize, int classes, int batch, int threads, int warmup,
            int iterations, List<String> formats) {}

    /** Why the reference could not be run or read. */
    static final class Unavailable extends Exception {
        Unavailable(String reason) {
            super(reason);
        }
    }

    private final String python;
    private final String torchVersion;

    private PyTorchReference(String python, String torchVersion) {
        this.python = python;
        this.torchVersion = torchVersion;
    }

    String python() {
        return python;
    }

    String torchVersion() {
        return torchVersion;
    }

    /**
     * The first interpreter that imports torch, or {@link Unavailable} saying what each candidate answered.
     *
     * @param configured {@code --param python} (null: not given; {@code none}: skip the reference)
     * @param env the process environment ({@code SPARSELAB_PYTHON})
     * @param arch the benchmarked architecture: the script builds CIFAR ResNets only
     */
    static PyTorchReference locate(String configured, Map<String, String> env, String arch) throws Unavailable {
        if ("none".equals(configured)) throw new Unavailable("skipped (--param python=none)");
        if (!BLOCKS_PER_STAGE.containsKey(arch)) {
            throw new Unavailable("the reference script builds the CIFAR ResNets " + String.join(", ",
                    new java.util.TreeSet<>(BLOCKS_PER_STAGE.keySet())) + " only, not " + arch);
        }
        List<String> reasons = new ArrayList<>();
        for (String python : candidates(configured, env)) {
            try {
                String version = run(List.of(python, "-c", "import torch; print(torch.__version__)"),
                        PROBE_TIMEOUT_S).strip();
                return new PyTorchReference(python, version);
            } catch (Unavailable e) {
                reasons.add(e.getMessage());
            }
        }
        throw new Unavailable(String.join("; ", reasons));
    }

    /** The interpreters to try, in order: the configured one alone, or $SPARSELAB_PYTHON alone, or the defaults. */
    static List<String> candidates(String configured, Map<String, String> env) {
        if (configured != null && !configured.isBlank()) return List.of(configured);
        String fromEnv = env.get("SPARSELAB_PYTHON");
        if (fromEnv != null && !fromEnv.isBlank()) return List.of(fromEnv);
        return List.of("python3", "/usr/bin/python3");
    }

    /** Runs the script once with {@code setup}: a fresh model per format, warm-up steps, then timed steps. */
    Measurement measure(Setup setup) throws Unavailable {
        Path script = extractScript();
        try {
            List<String> cmd = List.of(python, script.toString(),
                    "--blocks-per-stage", Integer.toString(setup.blocksPerStage()),
                    "--in-channels", Integer.toString(setup.inChannels()),
                    "--image-size", Integer.toString(setup.imageSize()),
                    "--classes", Integer.toString(setup.classes()),
                    "--batch", Integer.toString(setup.batch()),
                    "--threads", Integer.toString(setup.threads()),
                    "--warmup", Integer.toString(setup.warmup()),
                    "--iterations", Integer.toString(setup.iterations()),
                    "--formats", String.join(",", setup.formats()));
            return parse(run(cmd, RUN_TIMEOUT_S), setup.formats());
        } finally {
            try {
                Files.deleteIfExists(script);
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
    }

    /**
     * The measurement in the script's output: its last non-blank line, a JSON object with {@code torch_version},
     * {@code threads}, {@code params} and a positive {@code images_per_s} for every one of {@code formats}.
     */
    static Measurement parse(String stdout, List<String> formats) throws Unavailable {
        String last = stdout.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
        JsonNode root;
        try {
            root = JSON.readTree(last);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) throw new Unavailable("unreadable output: '" + shorten(last) + "'");
        JsonNode ips = root.path("images_per_s");
        Map<String, Double> values = new LinkedHashMap<>();
        for (String f : formats) {
            JsonNode v = ips.path(f);
            if (!v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble())) {
                throw new Unavailable("output has no positive images_per_s." + f + ": '" + shorten(last) + "'");
            }
            values.put(f, v.asDouble());
        }
        if (!root.path("torch_version").isTextual() || !root.path("threads").canConvertToInt()
                || !root.path("params").canConvertToLong()) {
            throw new Unavailable("output lacks torch_version, threads or params: '" + shorten(last) + "'");
        }
        return new Measurement(root.get("torch_version").asText(), root.get("threads").asInt(),
                root.get("params").asLong(), values);
    }

    /** Stdout of {@code cmd}, or {@link Unavailable} with what went wrong (its last stderr line, a timeout, …). */
    private static String run(List<String> cmd, long timeoutS) throws Unavailable {
        String exe = cmd.get(0);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("sparselab-pytorch", ".out");
            err = Files.createTempFile("sparselab-pytorch", ".err");
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new Unavailable(exe + ": cannot be run (" + e.getMessage() + ")");
            }
            boolean done = p.waitFor(timeoutS, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
                throw new Unavailable(exe + ": no answer within " + timeoutS + " s");
            }
            if (p.exitValue() != 0) {
                String last = Files.readString(err, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                        .reduce((a, b) -> b).orElse("(nothing on stderr)");
                throw new Unavailable(exe + ": exit code " + p.exitValue() + ": " + shorten(last));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Unavailable(exe + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(exe + ": interrupted");
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** The script, copied from the jar to a temp file the interpreter can open. */
    private static Path extractScript() {
        try (InputStream in = PyTorchReference.class.getResourceAsStream(SCRIPT)) {
            if (in == null) throw new IllegalStateException(SCRIPT + " is missing from the jar");
            Path f = Files.createTempFile("sparselab-pytorch-reference", ".py");
            Files.write(f, in.readAllBytes());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the PyTorch reference script to a temp file", e);
        }
    }

    private static void deleteQuietly(Path f) {
        if (f == null) return;
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
    }

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
