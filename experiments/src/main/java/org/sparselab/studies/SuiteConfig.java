package org.sparselab.studies;

import java.util.List;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.ConfigTypes;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;
import org.sparselab.config.SweepConfig;
import org.sparselab.report.ClaimConfig;
import org.sparselab.report.ReportConfig;

/**
 * A reproduction suite, {@code configs/repro/<method>/suite.yaml}: the runs behind a paper's tables as one sweep
 * (config files with their sweeps, seeds for all), how the report groups and compares them, and the paper's claims,
 * each checked against the numbers.
 */
@Doc("A reproduction suite (`configs/repro/<method>/suite.yaml`, run by `./sparselab reproduce <method>`): the runs "
        + "behind a paper's tables as one sweep, how REPORT.md groups and compares them, and the claims it checks.")
public record SuiteConfig(
        @Doc("Suite name: the sweep's name and the MLflow parent run.") String name,
        @Doc("Report title; unset = 'Reproduction: <name>'.") @Default("null") String title,
        @Doc("MLflow experiment and run-record folder of every run; unset = repro_<name>.")
        @Default("null") String experiment,
        @Doc("Seeds per setting (seed = 0 … seeds-1), for every entry that does not set its own.")
        @Default("1") int seeds,
        @Doc("Overrides for every run (key=value, as --set).") @Default("[]") List<String> set,
        @Doc("The entries: config files with their overrides and sweeps.") List<Entry> runs,
        @Doc("Directory of REPORT.md and its tables and figures, relative to the working directory; "
                + "unset = results/<name>.")
        @Default("null") String output,
        @Doc("How the report groups and compares runs.") @Default("{}") ReportConfig report,
        @Doc("Claims of the paper, each with a verdict computed from the runs.") @Default("[]")
        List<ClaimConfig> claims) {

    public SuiteConfig {
        Check.pathSegment("name", name);
        if (experiment != null) Check.pathSegment("experiment", experiment);
        Check.positive("seeds", seeds);
        if (runs == null || runs.isEmpty()) throw ConfigException.expected("runs", "at least one entry", runs);
        set = List.copyOf(set);
        runs = List.copyOf(runs);
        claims = List.copyOf(claims);
    }

    /** One entry: a config file (relative to the suite file), overrides, and its sweep. */
    @Doc("One entry of a suite: a config file with overrides and a sweep.")
    public record Entry(
            @Doc("Config file, relative to the suite file; its own sweep: block applies unless sweep is given.")
            String config,
            @Doc("Overrides for this entry (key=value).") @Default("[]") List<String> set,
            @Doc("The entry's sweep (grid, zip, seeds), replacing the file's sweep: block; its seeds default to "
                    + "the suite's.")
            @Default("null") SweepConfig sweep) {
        public Entry {
            Check.notBlank("config", config);
            set = List.copyOf(set);
            if (sweep != null && sweep.name() != null) {
                throw new ConfigException("sweep.name", "a suite entry's sweep takes its name from the suite");
            }
        }
    }

    public String titleOrDefault() {
        return title != null ? title : "Reproduction: " + name;
    }

    public String experimentOrDefault() {
        return experiment != null ? experiment : "repro_" + name;
    }

    public String outputOrDefault() {
        return output != null ? output : "results/" + name;
    }

    /** The variant types a suite file may hold (the claims). */
    public static ConfigTypes types() {
        ConfigTypes t = new ConfigTypes();
        ClaimConfig.register(t);
        return t;
    }
}
