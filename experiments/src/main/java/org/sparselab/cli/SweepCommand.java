package org.sparselab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.sparselab.config.ConfigException;
import org.sparselab.studies.ProcessExecutor;
import org.sparselab.studies.SlurmScript;
import org.sparselab.studies.SweepPlan;
import org.sparselab.studies.SweepRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparselab sweep <config>}: a grid of configs (× seeds) as child runs of one MLflow parent run. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a config over a grid of values (and seeds): one child run per point under one MLflow "
                + "parent run, on a pool of worker processes, with a manifest in "
                + "<output.dir>/<experiment>/sweeps/<name>/. Idempotent: points with a FINISHED run are skipped, "
                + "interrupted ones resumed from their checkpoint.",
            "Axes come from the config's sweep: block and the flags, e.g. --sweep model.arch=resnet20,resnet56 "
                + "--zip 'train.epochs=10,20;train.optimizer.lr=0.1,0.05' --seeds 3."})
final class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML experiment config (may hold a sweep: block).")
    Path config;

    @Mixin
    ConfigOptions options;

    @Option(names = "--sweep", paramLabel = "KEY=V1,V2,...",
            description = "A product axis (values are YAML, commas inside [] kept): --sweep train.optimizer.lr=0.1,0.05")
    List<String> grid = new ArrayList<>();

    @Option(names = "--zip", paramLabel = "K1=A,B;K2=X,Y",
            description = "Keys whose values move together (one axis): --zip 'model.arch=resnet20,resnet56;train.epochs=5,10'")
    List<String> zip = new ArrayList<>();

    @Option(names = "--seeds", paramLabel = "N", description = "Repeat every point with seed = 0 … N-1.")
    Integer seeds;

    @Option(names = "--name", description = "Sweep name (directory and MLflow parent run); default: the config's name.")
    String name;

    @Mixin
    WorkerOptions workers;

    @Option(names = "--dry-run", description = "List the points and what would happen to each; write nothing.")
    boolean dryRun;

    @Option(names = "--emit", paramLabel = "ENGINE",
            description = "Write a cluster job instead of running: slurm (an sbatch job-array script, sweep.sbatch).")
    String emit;

    @Option(names = "--cpus-per-task", description = "Slurm: CPUs (threads) per array task (default: --threads or 4).")
    Integer cpusPerTask;

    @Option(names = "--time", description = "Slurm: time limit per task, e.g. 02:00:00.")
    String time;

    @Option(names = "--mem", description = "Slurm: memory per task, e.g. 16G.")
    String mem;

    @Option(names = "--partition", description = "Slurm: partition.")
    String partition;

    @Option(names = "--max-parallel", description = "Slurm: most array tasks at once (default: no limit).")
    int maxParallel;

    @Option(names = "--sbatch", paramLabel = "OPTION", description = "Slurm: another #SBATCH option, e.g. --sbatch=--account=abc.")
    List<String> sbatch = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SweepPlan plan = SweepPlan.of(config, options.overrides, grid, zip, seeds, name);
        Path project = Path.of("").toAbsolutePath();
        if (options.printConfig) {
            for (SweepPlan.Child c : plan.expand(null, System.getenv(), Runs.pipeline()::validatePlanned).children()) {
                out.printf("# point %d %s%n%s---%n", c.index(), c.values(), c.loaded().yaml());
            }
            out.flush();
            return 0;
        }
        SweepRunner runner = new SweepRunner(project, System.getenv(), Runs.pipeline()::validatePlanned, out);
        List<String> command = spec.commandLine().getParseResult().originalArgs();
        if (emit != null) {
            if (!emit.equals("slurm")) throw ConfigException.expected("--emit", "slurm", emit);
            int cpus = cpusPerTask != null ? cpusPerTask : workers.threads != null ? workers.threads : 4;
            runner.emitSlurm(plan, command, new SlurmScript.Options(cpus, time, mem, partition, maxParallel, sbatch));
            return 0;
        }
        SweepRunner.Options o = workers.options(dryRun);
        SweepRunner.Outcome outcome = runner.run(plan, command, o,
                new ProcessExecutor(ProcessExecutor.launcherOf(Main.class, o.threads()), project, o.threads()));
        if (dryRun || outcome.complete()) {
            if (!dryRun) out.printf("tables and figures: ./sparselab report %s%n", project.relativize(outcome.dir()));
            out.flush();
            return 0;
        }
        spec.commandLine().getErr().printf("error: not every point FINISHED (%s); see %s and the logs beside it%n",
                outcome.counts(), outcome.dir().resolve("manifest.json"));
        return 1;
    }
}
