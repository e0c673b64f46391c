package org.sparselab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigException;

class TrackingUriTest {
    @TempDir Path dir;

    @Test
    void eachFormParsesToItsKind() {
        assertInstanceOf(TrackingUri.None.class, TrackingUri.parse(" NONE "));
        assertEquals(Path.of("/abs/mlruns"), ((TrackingUri.FileStore) TrackingUri.parse("file:///abs/mlruns")).root());
        assertEquals(Path.of("/abs/mlruns"), ((TrackingUri.FileStore) TrackingUri.parse("file:/abs/mlruns")).root());
        assertEquals(Path.of("./mlruns"), ((TrackingUri.FileStore) TrackingUri.parse("file:./mlruns")).root());
        assertEquals(Path.of("runs/ml"), ((TrackingUri.FileStore) TrackingUri.parse("runs/ml")).root());
        TrackingUri.Server s = (TrackingUri.Server) TrackingUri.parse("https://mlflow.example.org:8443/proxy/");
        assertEquals("https://mlflow.example.org:8443/proxy", s.base());
    }

    @Test
    void badTextIsOneLineNamingTheKey() {
        var e = assertThrows(ConfigException.class, () -> TrackingUri.parse("s3://bucket/mlruns"));
        assertTrue(e.getMessage().startsWith("tracking.uri: unsupported scheme 's3'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> TrackingUri.parse("--mlflow", "http://:5000"));
        assertTrue(e.getMessage().startsWith("--mlflow: 'http://:5000' names no host"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> TrackingUri.parse("file://otherhost/mlruns"));
        assertTrue(e.getMessage().contains("names a host; a file store is local"), e.getMessage());
        assertThrows(ConfigException.class, () -> TrackingUri.parse("file:"));
        assertThrows(ConfigException.class, () -> TrackingUri.parse("http://127.0.0.1:5000/?x=1"));
    }

    @Test
    void writableDirsAcceptsWhatCanBeCreatedAndLeavesNothing() throws IOException {
        WritableDirs.require("output.dir", dir.resolve("a/b/c"));
        assertEquals(0, Files.list(dir).count(), "the check creates nothing");
        Path file = Files.writeString(dir.resolve("f"), "x");
        var e = assertThrows(ConfigException.class, () -> WritableDirs.require("output.dir", file));
        assertEquals("output.dir: " + file + " is a regular file, so the directory cannot be created; choose another "
                + "output.dir", e.getMessage());
    }
}
