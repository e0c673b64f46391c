package org.sparselab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** TORCH_CPP_LOG_LEVEL's values, and libtorch's threshold once a conv layer has been loaded. */
class TorchLogTest {
    @Test
    void readsPyTorchsNamesAndNumbersAndDefaultsToError() {
        assertEquals(2, TorchLog.level(null));
        assertEquals(2, TorchLog.level(" "));
        assertEquals(1, TorchLog.level("warning"));
        assertEquals(0, TorchLog.level("INFO"));
        assertEquals(3, TorchLog.level("3"));
        assertNull(TorchLog.level("loud"));
        assertNull(TorchLog.level("7"));
    }

    @Test
    void loadingAConvLayerSetsLibtorchsThreshold() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(TorchLog.VARIABLE) == null, "set outside");
        ConvSpec.of("c", ConvSpec.Role.STEM, 1, 1, 1, 1, 1); // any conv-side class: ConvLayer's initializer runs below
        Class.forName(ConvLayer.class.getName(), true, getClass().getClassLoader());
        String lib = Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith("/libc10.so"))
                .map(l -> l.substring(l.indexOf('/'))).findFirst().orElseThrow();
        // libtorch's default is 1 (WARNING): 2 shows the write reached the library the engine runs.
        assertEquals(2, NativeLibrary.getInstance(lib).getGlobalVariableAddress("FLAGS_caffe2_log_level").getInt(0));
    }
}
