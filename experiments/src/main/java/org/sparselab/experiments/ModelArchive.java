package org.sparselab.experiments;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparselab.config.ConfigLoader;
import org.sparselab.methods.Method;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;
import org.sparselab.tracking.AtomicFiles;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.train.ParameterIO;

/**
 * A trained model as a run leaves it: {@code model.params} (every parameter by name, shape and bytes) and
 * {@code model.json} (what is needed to rebuild the exact block: architecture, input shape, classes, method), with
 * the run's {@code config.yaml} for the method's own options. Reloading never guesses shapes from the weights.
 */
public final class ModelArchive {
    public static final String SPEC = "model.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelArchive() {}

    /** Saves the block's parameters and its rebuild spec into {@code runDir}, each file atomically. */
    static void save(Block block, ExperimentConfig cfg, ModelContext ctx, String configSha256, Path runDir)
            throws IOException {
        Path params = runDir.resolve(RunRecorder.MODEL);
        Path tmp = params.resolveSibling(params.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp);
                DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
            ParameterIO.save(block, out);
        }
        Files.move(tmp, params, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("format", "sparselab-params-1");
        spec.put("arch", cfg.model().arch());
        spec.put("method", cfg.method().name());
        spec.put("in_channels", ctx.inChannels());
        spec.put("image_size", ctx.imageSize());
        spec.put("num_classes", ctx.numClasses());
        spec.put("config_sha256", configSha256);
        AtomicFiles.write(runDir.resolve(SPEC), JSON.writeValueAsString(spec) + "\n");
    }

    /** Rebuilds the run's model (with its method's layers) and loads the saved parameters into it. */
    public static Block load(Path runDir, NDManager manager) throws IOException {
        Map<?, ?> spec = JSON.readValue(runDir.resolve(SPEC).toFile(), Map.class);
        if (!"sparselab-params-1".equals(spec.get("format"))) {
            throw new IOException(runDir.resolve(SPEC) + ": unknown format " + spec.get("format"));
        }
        var cfg = ConfigLoader.load(runDir.resolve(RunRecorder.CONFIG), List.of(), ExperimentConfig.class,
                Schema.types()).config();
        Method method = cfg.method().create();
        int channels = ((Number) spec.get("in_channels")).intValue();
        int size = ((Number) spec.get("image_size")).intValue();
        Block block = Models.defaults().create((String) spec.get("arch"), method.modelContext(channels, size,
                ((Number) spec.get("num_classes")).intValue()));
        block.initialize(manager, DataType.FLOAT32, new Shape(1, channels, size, size));
        method.attach(block, org.sparselab.methods.RunInfo.inference(new Shape(1, channels, size, size)));
        try (InputStream is = Files.newInputStream(runDir.resolve(RunRecorder.MODEL));
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(is))) {
            ParameterIO.load(block, in);
        }
        return block;
    }
}
