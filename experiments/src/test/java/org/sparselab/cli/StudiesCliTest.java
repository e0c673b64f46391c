package org.sparselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.studies.SweepManifest;
import org.sparselab.tracking.RunRecorder;

/**
 * {@code sweep}, {@code report} and {@code reproduce} from the command line: a real sweep with two worker processes
 * and an MLflow file store, run twice (the second does nothing), reported; and bad input as one line with exit code 2.
 */
class StudiesCliTest {
    @TempDir Path dir;

    private static CliResult cli(String... args) {
        return CliResult.of(args);
    }

    private Path config(String sweep) throws IOException {
        return Files.writeString(dir.resolve("sweep.yaml"), """
                name: clisweep
                device: cpu
                data: {name: synthetic, batch_size: 32, image_size: 8, num_classes: 3, workers: 0,
                       synthetic: {train_size: 64, test_size: 32, channels: 1}}
                model: {arch: resnet20}
                train: {epochs: 1, optimizer: {name: sgd, lr: 0.1}}
                tracking: {uri: '%s'}
                output: {dir: '%s', save_model: false}
                """.formatted(dir.resolve("mlruns"), dir.resolve("runs")) + sweep);
    }

    @Test
    void sweepRunsChildProcessesUnderOneParentThenSkipsAndReports() throws IOException {
        Path f = config("sweep:\n  grid: {train.optimizer.lr: [0.1, 0.05]}\n");
        CliResult r = cli("sweep", f.toString(), "--workers", "2", "--threads", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        Path sweepDir = dir.resolve("runs/clisweep/sweeps/clisweep");
        SweepManifest.Data m = SweepManifest.read(sweepDir);
        assertEquals(List.of("FINISHED", "FINISHED"), m.points().stream().map(SweepManifest.Point::status).toList());
        for (SweepManifest.Point p : m.points()) {
            Path run = Path.of(p.runDir());
            assertEquals(p.configSha256(), RunRecorder.readSummary(run).get("config_sha256"));
            assertTrue(Files.readString(sweepDir.resolve(p.log())).contains("epoch 0"), "the child's own log");
        }
        // MLflow: the parent run and two children that name it.
        List<Path> parentTags;
        try (Stream<Path> s = Files.walk(dir.resolve("mlruns"))) {
            parentTags = s.filter(p -> p.endsWith("tags/mlflow.parentRunId")).toList();
        }
        assertEquals(2, parentTags.size());
        for (Path t : parentTags) assertEquals(m.parentRunId(), Files.readString(t));
        assertEquals(List.of("sweep", f.toString(), "--workers", "2", "--threads", "1"), m.command());

        CliResult again = cli("sweep", f.toString(), "--workers", "2");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("2 point(s), 0 to run"), again.out());

        CliResult dry = cli("sweep", f.toString(), "--dry-run", "--seeds", "2");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains("4 point(s)") && dry.out().contains("train.optimizer.lr=0.05 seed=1"), dry.out());

        CliResult rep = cli("report", sweepDir.toString(), "--ablation", "train.optimizer.lr");
        assertEquals(0, rep.code(), rep.err());
        assertTrue(rep.out().startsWith("| method | variant | model | dataset | n | top-1 (%) |"), rep.out());
        for (String file : List.of("index.md", "comparison.tex", "ablation.html", "accuracy_vs_macs.svg")) {
            assertTrue(Files.exists(sweepDir.resolve("report").resolve(file)), file);
        }
        CliResult all = cli("report", dir.resolve("runs").toString(), "--out", dir.resolve("r2").toString(),
                "--format", "md,csv");
        assertEquals(0, all.code(), all.err());
        assertTrue(Files.exists(dir.resolve("r2/comparison.csv")) && !Files.exists(dir.resolve("r2/comparison.tex")));
        CliResult store = cli("report", "--mlflow", dir.resolve("mlruns").toString(), "--experiment", "clisweep",
                "--out", dir.resolve("r3").toString());
        assertEquals(0, store.code(), store.err());
        assertTrue(store.out().contains("| none | lr=0.05 |"), store.out());
    }

    private void assertOneLineError(CliResult r, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: " + expected), r.err());
    }

    @Test
    void badSweepInputIsOneLine() throws IOException {
        Path f = config("");
        assertOneLineError(cli("sweep", f.toString(), "--sweep", "trian.epochs=1,2", "--dry-run"),
                "--sweep: unknown key trian (did you mean train?)");
        assertOneLineError(cli("sweep", f.toString(), "--sweep", "train.epochs=", "--dry-run"),
                "--sweep train.epochs: empty value list");
        assertOneLineError(cli("sweep", f.toString(), "--zip", "train.epochs=1,2;seed=1", "--dry-run"),
                "--zip zip[0]: the lists of a zip group must have equal length");
        assertOneLineError(cli("sweep", f.toString(), "--emit", "pbs"), "--emit: expected slurm, found 'pbs'");
        Path withBlock = config("sweep: {seeds: 2}\n");
        assertOneLineError(cli("run", withBlock.toString()), withBlock + ":9: sweep: this config describes a sweep");
    }

    @Test
    void reportAndReproduceWithoutRunsAreBadInput() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertOneLineError(cli("report", empty.toString()), empty + ": no run records here");
        assertOneLineError(cli("report", dir.resolve("absent").toString()), dir.resolve("absent") + ": no such directory");
        assertOneLineError(cli("report", "--mlflow", "none"), "--mlflow: expected an MLflow file store (file:<path>) or "
                + "server (http://…), found 'none'");
        assertOneLineError(cli("report", "--mlflow", "http://127.0.0.1:1"), "--mlflow: cannot read runs from "
                + "http://127.0.0.1:1");
        assertOneLineError(cli("reproduce", "nosuchmethod"), "configs/repro/nosuchmethod/suite.yaml: no reproduction "
                .replace("configs", Path.of("").toAbsolutePath().resolve("configs").toString()));
    }
}
