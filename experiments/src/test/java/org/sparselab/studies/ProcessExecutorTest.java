package org.sparselab.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's child processes: a child started while the sweep is being stopped does not train on. */
class ProcessExecutorTest {
    @Test
    void aChildStartedAfterStopAllGetsSigtermAtOnce(@TempDir Path dir) throws Exception {
        // "sh -c 'sleep 60' run <config> --no-progress": a child that would run for a minute unless stopped.
        ProcessExecutor ex = new ProcessExecutor(List.of("sh", "-c", "sleep 60"), dir, 1);
        ex.stopAll(); // the sweep's shutdown hook ran; a worker thread launches one more point after it
        long t0 = System.nanoTime();
        int code = ex.run(dir.resolve("000.yaml"), dir.resolve("logs/000.log"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(143, code, "ended by SIGTERM (128 + 15)");
        assertTrue(seconds < 30, "stopped at once, not after the child's 60 s: " + seconds);
    }
}
