package org.sparselab.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.experiments.RunPipeline;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.tracking.RunSummary;

/** The table a run ends with shows the model as it ended, not as it started. */
class SummaryTableTest {
    @TempDir Path dir;

    @Test
    void aStrucSparsRunShowsItsFinalAndDeployedCost() throws IOException {
        // A committed StrucSpars record at 50 %: dense profile 0.272 M params / 31.02 M MACs, final 0.137 M / 15.57 M.
        try (InputStream in = getClass().getResourceAsStream("/summaries/v1-strucspars-resumed.json")) {
            Files.write(dir.resolve(RunRecorder.SUMMARY), in.readAllBytes());
        }
        StringWriter text = new StringWriter();
        Runs.printSummary(new RunPipeline.Outcome(dir, RunSummary.read(dir), null), new PrintWriter(text));
        String out = text.toString();
        assertTrue(out.contains("  params         0.272 M (effective 0.137 M; 0.272 M before training)\n"), out);
        assertTrue(out.contains("  MACs / image   31.02 M (effective 15.57 M; 31.02 M before training)\n"), out);
        assertTrue(out.contains("  deployed       params 0.137 M, MACs / image 15.57 M, test top1 87.77 % (trained "
                + "87.77 %), max |Δ logit| 8.6e-06\n"), out);
        assertTrue(out.contains("  best test      top1 87.77 % (epoch 14)\n"), out);
    }
}
