package org.sparselab.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparselab.config.ConfigException;

/**
 * The sbatch array script: its directives, the task → config mapping and the command each task runs, checked by
 * reading it and by running one task with bash against a stand-in launcher.
 */
class SlurmScriptTest {
    @TempDir Path dir;

    @Test
    void arraySpecCollapsesRuns() {
        assertEquals("0-3,5,7-9", SlurmScript.arraySpec(List.of(9, 0, 1, 2, 3, 5, 7, 8)));
        assertEquals("4", SlurmScript.arraySpec(List.of(4)));
    }

    @Test
    void emitWritesConfigsManifestAndAScriptForThePendingPoints() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), SweepPlanTest.BASE);
        SweepPlan plan = SweepPlan.of(f, List.of(), List.of("model.arch=resnet20,resnet32"), List.of(), 2, "grid");
        StringWriter printed = new StringWriter();
        SweepRunner runner = new SweepRunner(dir, Map.of(), c -> { }, new PrintWriter(printed, true));
        // Point 1 has finished already: the array leaves it out.
        SweepPlan.Child done = plan.expand(null, Map.of(), c -> { }).children().get(1);
        new FakeExecutor(dir, Map.of(), 0).run(Files.writeString(dir.resolve("done.yaml"), done.loaded().yaml()),
                dir.resolve("done.log"));
        SweepRunner.Outcome o = runner.emitSlurm(plan, List.of("sweep", "--emit", "slurm"),
                new SlurmScript.Options(4, "01:00:00", "8G", null, 2, List.of("--account=lab")));
        Path script = o.dir().resolve(SlurmScript.FILE);
        String s = Files.readString(script);
        assertTrue(s.startsWith("#!/usr/bin/env bash\n"), s);
        for (String line : List.of("#SBATCH --job-name=grid", "#SBATCH --array=0,2-3%2", "#SBATCH --cpus-per-task=4",
                "#SBATCH --time=01:00:00", "#SBATCH --mem=8G", "#SBATCH --account=lab", "#SBATCH --ntasks=1",
                "#SBATCH --requeue", "#SBATCH --signal=B:TERM@120",
                "#SBATCH --output=" + o.dir().resolve("logs") + "/slurm-%A_%a.log", "cd '" + dir + "'",
                "exec ./sparselab run \"$CONFIG\" --idempotent --no-progress", "export SPARSELAB_NO_BUILD=1")) {
            assertTrue(s.contains(line + "\n") || s.contains(line + "  "), line + " in\n" + s);
        }
        assertTrue(Files.isDirectory(o.dir().resolve("logs")), "Slurm does not create the --output directory");
        // #SBATCH lines must all come before the first command, or sbatch ignores them.
        int firstCommand = s.indexOf("set -euo pipefail");
        assertTrue(s.lastIndexOf("#SBATCH") < firstCommand);
        SweepManifest.Data m = SweepManifest.read(o.dir());
        assertEquals(List.of("planned", "skip", "planned", "planned"), m.points().stream()
                .map(SweepManifest.Point::action).toList());
        assertTrue(printed.toString().contains("sbatch " + script), printed.toString());

        Process syntax = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertTrue(syntax.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, syntax.exitValue(), new String(syntax.getInputStream().readAllBytes()));

        // One task, run for real with a stand-in ./sparselab that prints what it got.
        Path stub = Files.writeString(dir.resolve("sparselab"), "#!/usr/bin/env bash\necho \"ARGS $*\"\n"
                + "echo \"THREADS $OMP_NUM_THREADS\"\necho \"OPTS $SPARSELAB_JAVA_OPTS\"\necho \"BUILD $SPARSELAB_NO_BUILD\"\n");
        stub.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("SLURM_ARRAY_TASK_ID", "2");
        pb.environment().put("SLURM_CPUS_PER_TASK", "3");
        pb.environment().remove("SPARSELAB_JAVA_OPTS");
        Process task = pb.start();
        assertTrue(task.waitFor(20, TimeUnit.SECONDS));
        String taskOut = new String(task.getInputStream().readAllBytes());
        assertEquals(0, task.exitValue(), taskOut);
        Path config2 = o.dir().resolve(m.points().get(2).config());
        assertTrue(taskOut.contains("ARGS run " + config2 + " --idempotent --no-progress"), taskOut);
        assertTrue(taskOut.contains("THREADS 3"), taskOut);
        assertTrue(taskOut.contains("OPTS -Xmx8g -Dai.djl.pytorch.num_threads=3 -Dai.djl.pytorch.num_interop_threads=1"),
                taskOut);
        assertTrue(taskOut.contains("BUILD 1"), taskOut);
        assertTrue(Files.readString(config2).contains("seed: 0") && Files.readString(config2).contains("resnet32"));
    }

    @Test
    void badSbatchOptionsAreBadInput() {
        assertThrows(ConfigException.class, () -> new SlurmScript.Options(0, null, null, null, 0, List.of()));
        assertThrows(ConfigException.class, () -> new SlurmScript.Options(2, null, null, null, 0, List.of("x\n#")));
    }
}
