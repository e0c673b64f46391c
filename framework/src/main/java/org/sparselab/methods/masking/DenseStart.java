package org.sparselab.methods.masking;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.sparselab.config.ConfigException;
import org.sparselab.methods.RunInfo;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.nn.ConvLayer;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.LinearBlock;
import org.sparselab.nn.MaskedLinear;
import org.sparselab.train.ParameterIO;

/**
 * A finished dense run to start a mask method from (its {@code model.params} and {@code model.json}): found by its run
 * directory, or in a directory of runs as the FINISHED run of a given config name with this run's seed (so each seed
 * of a sweep starts from the dense run of the same seed); checked to be the same architecture and input before any
 * work, then loaded into the masked model (dense weights in, masks untouched).
 */
public final class DenseStart {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path runDir;
    private final JsonNode spec;

    private DenseStart(Path runDir, JsonNode spec) {
        this.runDir = runDir;
        this.spec = spec;
    }

    /**
     * The dense run {@code initFrom} names (relative paths against the working directory, the project root).
     *
     * @param key the config key, for messages (e.g. {@code method.init_from})
     * @throws ConfigException when there is no such run, it has no saved model, or several match
     */
    public static DenseStart find(String key, String initFrom, String name, long seed) {
        Path dir = Path.of(initFrom);
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(key, "no run directory " + initFrom + "; train the dense model first (with "
                    + "output.save_model: true) and point init_from at its run directory or at the directory of its runs");
        }
        Path run = Files.exists(dir.resolve("summary.json")) ? dir : search(key, dir, name, seed);
        if (!Files.exists(run.resolve("model.params")) || !Files.exists(run.resolve("model.json"))) {
            throw new ConfigException(key, run + " has no saved model (model.params, model.json): train the dense "
                    + "run with output.save_model: true");
        }
        try {
            String status = JSON.readTree(run.resolve("summary.json").toFile()).path("status").asText();
            if (!status.equals("FINISHED")) {
                throw new ConfigException(key, run + " is " + status + ", not FINISHED: start from a finished run");
            }
            return new DenseStart(run, JSON.readTree(run.resolve("model.json").toFile()));
        } catch (IOException e) {
            throw new ConfigException(key, "cannot read the dense run " + run + ": " + e.getMessage());
        }
    }

    private static Path search(String key, Path dir, String name, long seed) {
        if (name == null) {
            throw new ConfigException(key, dir + " is not a run directory; to search it for the dense run of this "
                    + "seed, set init_from_name to the dense config's name");
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir, 3)) {
            for (Path summary : s.filter(p -> p.getFileName().toString().equals("summary.json")).toList()) {
                JsonNode n = JSON.readTree(summary.toFile());
                String runName = n.path("run_name").asText(n.path("name").asText(""));
                // A sweep names its points <name>-<values>: the seed tells them apart.
                boolean named = runName.equals(name) || runName.startsWith(name + "-");
                if (n.path("status").asText().equals("FINISHED") && named
                        && n.path("seed").asLong(Long.MIN_VALUE) == seed) {
                    found.add(summary.getParent());
                }
            }
        } catch (IOException e) {
            throw new ConfigException(key, "cannot search " + dir + ": " + e.getMessage());
        }
        if (found.isEmpty()) {
            throw new ConfigException(key, "no FINISHED run named " + name + " with seed " + seed + " under " + dir
                    + "; train it first (a sweep runs the dense points before the ones that start from them)");
        }
        found.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
        if (found.size() > 1) {
            // The same config and seed twice: the newest record wins, as in reports.
            found.sort(java.util.Comparator.comparing(DenseStart::endTime));
        }
        return found.get(found.size() - 1);
    }

    private static String endTime(Path run) {
        try {
            return JSON.readTree(run.resolve("summary.json").toFile()).path("end_time").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    public Path runDir() {
        return runDir;
    }

    /** The dense architecture as the run built it (uninitialised). */
    private Block denseModel() {
        return Models.defaults().create(spec.path("arch").asText(), ModelContext.dense(spec.path("in_channels").asInt(),
                spec.path("image_size").asInt(), spec.path("num_classes").asInt()));
    }

    /**
     * Refuses a dense run of another architecture or input than {@code model}: same convolutions (path, channels,
     * kernel, stride, groups) and the same input shape.
     */
    public void checkMatches(String key, Block model, RunInfo run) {
        Shape in = run.inputShape();
        String arch = spec.path("arch").asText();
        if (in.get(1) != spec.path("in_channels").asInt() || in.get(2) != spec.path("image_size").asInt()) {
            throw new ConfigException(key, runDir + " trained " + arch + " on " + spec.path("in_channels").asInt() + "×"
                    + spec.path("image_size").asInt() + " inputs, this run has " + in.get(1) + "×" + in.get(2));
        }
        List<String> dense = convs(denseModel());
        List<String> ours = convs(model);
        if (!dense.equals(ours)) {
            throw new ConfigException(key, runDir + " trained " + arch + ", whose convolutions differ from this run's "
                    + "model (" + dense.size() + " vs " + ours.size() + " convs" + firstDifference(dense, ours)
                    + "); start from a dense run of the same model.arch");
        }
    }

    private static String firstDifference(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) return ", first: " + a.get(i) + " vs " + b.get(i);
        }
        return "";
    }

    private static List<String> convs(Block b) {
        List<String> out = new ArrayList<>();
        walk(b, out);
        return out;
    }

    private static void walk(Block b, List<String> out) {
        if (b instanceof ConvLayer c) {
            ConvSpec s = c.spec();
            out.add(s.path() + " " + s.in() + "→" + s.out() + " k" + s.kernel() + " s" + s.stride() + " g" + s.groups());
        } else if (b instanceof LinearBlock l) {
            out.add(l.path());
        } else if (b instanceof MaskedLinear l) {
            out.add(l.path());
        }
        for (Block c : b.getChildren().values()) walk(c, out);
    }

    /** Loads the dense run's parameters into {@code model} (dense layers into masked ones, masks untouched). */
    public void loadInto(Block model, NDManager manager, Shape input) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            Block dense = denseModel();
            dense.initialize(scope, DataType.FLOAT32, input);
            try (InputStream is = Files.newInputStream(runDir.resolve("model.params"));
                    DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(is))) {
                ParameterIO.load(dense, in);
            }
            WeightTransfer.copy(dense, model, (from, to) -> false);
        }
    }
}
