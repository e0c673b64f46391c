package org.sparselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.models.ModelContext;
import org.sparselab.models.Models;

/** The PyTorch reference of {@code bench train}: finding an interpreter, reading the script's answer, running it. */
class PyTorchReferenceTest {
    @TempDir Path dir;

    private static final List<String> BOTH = List.of("nchw", "channels_last");

    /** An executable that answers as a Python without torch does. */
    private Path pythonWithoutTorch() throws IOException {
        Path f = dir.resolve("python-without-torch");
        Files.writeString(f, "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\n"
                + "echo \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void readsTheScriptsJsonLine() throws Exception {
        String out = "some warning\n{\"torch_version\": \"1.13.0a0\", \"threads\": 2, \"batch\": 128, \"params\": "
                + "272186, \"images_per_s\": {\"nchw\": 700.5, \"channels_last\": 855.25}}\n\n";
        PyTorchReference.Measurement m = PyTorchReference.parse(out, BOTH);
        assertEquals("1.13.0a0", m.torchVersion());
        assertEquals(2, m.threads());
        assertEquals(272186, m.params());
        assertEquals(Map.of("nchw", 700.5, "channels_last", 855.25), m.imagesPerSecond());
        assertEquals(List.of("nchw", "channels_last"), List.copyOf(m.imagesPerSecond().keySet()), "in asked order");
    }

    @Test
    void refusesOutputWithoutAPositiveNumberForEveryFormat() {
        var notJson = assertThrows(PyTorchReference.Unavailable.class, () -> PyTorchReference.parse("Segfault\n", BOTH));
        assertEquals("unreadable output: 'Segfault'", notJson.getMessage());
        String oneFormat = "{\"torch_version\": \"2.1\", \"threads\": 2, \"params\": 5, \"images_per_s\": {\"nchw\": 7}}";
        var missing = assertThrows(PyTorchReference.Unavailable.class, () -> PyTorchReference.parse(oneFormat, BOTH));
        assertTrue(missing.getMessage().startsWith("output has no positive images_per_s.channels_last"),
                missing.getMessage());
        String zero = oneFormat.replace("7}", "0}");
        assertThrows(PyTorchReference.Unavailable.class, () -> PyTorchReference.parse(zero, List.of("nchw")));
        String noVersion = oneFormat.replace("\"torch_version\": \"2.1\", ", "");
        assertThrows(PyTorchReference.Unavailable.class, () -> PyTorchReference.parse(noVersion, List.of("nchw")));
        assertEquals(7, parsed(oneFormat).imagesPerSecond().get("nchw"), 0, "one format asked, one given");
    }

    private static PyTorchReference.Measurement parsed(String out) {
        try {
            return PyTorchReference.parse(out, List.of("nchw"));
        } catch (PyTorchReference.Unavailable e) {
            throw new AssertionError(e.getMessage());
        }
    }

    @Test
    void aPythonWithoutTorchIsNotAvailableAndSaysWhy() throws IOException {
        String python = pythonWithoutTorch().toString();
        var e = assertThrows(PyTorchReference.Unavailable.class,
                () -> PyTorchReference.locate(python, Map.of(), "resnet20"));
        assertEquals(python + ": exit code 1: ModuleNotFoundError: No module named 'torch'", e.getMessage());
        var fromEnv = assertThrows(PyTorchReference.Unavailable.class,
                () -> PyTorchReference.locate(null, Map.of("SPARSELAB_PYTHON", python), "resnet20"));
        assertEquals(e.getMessage(), fromEnv.getMessage(), "$SPARSELAB_PYTHON is the interpreter when set");
        String missing = dir.resolve("no-such-python").toString();
        var absent = assertThrows(PyTorchReference.Unavailable.class,
                () -> PyTorchReference.locate(missing, Map.of(), "resnet20"));
        assertTrue(absent.getMessage().startsWith(missing + ": cannot be run ("), absent.getMessage());
    }

    @Test
    void onlyCifarResNetsHaveAReferenceAndNoneSkipsIt() {
        var vgg = assertThrows(PyTorchReference.Unavailable.class,
                () -> PyTorchReference.locate(null, Map.of(), "vgg16_bn"));
        assertEquals("the reference script builds the CIFAR ResNets resnet110, resnet20, resnet32, resnet44, resnet56 "
                + "only, not vgg16_bn", vgg.getMessage());
        var none = assertThrows(PyTorchReference.Unavailable.class,
                () -> PyTorchReference.locate("none", Map.of(), "resnet20"));
        assertEquals("skipped (--param python=none)", none.getMessage());
        assertEquals(List.of("python3", "/usr/bin/python3"), PyTorchReference.candidates(null, Map.of()));
        assertEquals(List.of("/opt/py"), PyTorchReference.candidates("/opt/py", Map.of("SPARSELAB_PYTHON", "x")));
    }

    @Test
    void theScriptTrainsTheSameResNet20AndReportsPositiveThroughput() throws Exception {
        PyTorchReference ref;
        try {
            ref = PyTorchReference.locate(null, System.getenv(), "resnet20");
        } catch (PyTorchReference.Unavailable e) {
            System.out.println("skipped: no Python with torch here (" + e.getMessage() + "); "
                    + PyTorchReference.INSTALL_HINT);
            Assumptions.abort("no Python with torch: " + e.getMessage());
            return;
        }
        var m = ref.measure(new PyTorchReference.Setup(3, 1, 8, 10, 4, 1, 1, 2, BOTH));
        assertEquals(BOTH, List.copyOf(m.imagesPerSecond().keySet()));
        for (double v : m.imagesPerSecond().values()) assertTrue(v > 0 && Double.isFinite(v), m.toString());
        assertEquals(1, m.threads());
        try (Model model = Model.newInstance("ours")) {
            model.setBlock(Models.defaults().create("resnet20", ModelContext.dense(1, 8, 10)));
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 8, 8));
            assertEquals(TrainBenchmark.trainableParameters(model.getBlock()), m.params(),
                    "the script's ResNet-20 has exactly our trainable parameters");
        }
    }
}
