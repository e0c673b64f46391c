package org.sparselab.report;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.sparselab.config.ConfigException;
import org.sparselab.tracking.AtomicFiles;
import org.sparselab.tracking.RunRecorder;
import org.sparselab.train.EpochMetrics;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.io.csv.CsvWriteOptions;

/**
 * Turns a run table into a study's tables, figures and claims, written into one directory: the comparison and (when
 * configured) ablation tables in every requested format, per-layer tables, accuracy-vs-MACs and training-curve
 * figures (PNG and SVG), the claims' verdicts, {@code runs.csv} (the whole run table) and {@code sources.csv} (the
 * runs it was built from: ids and config hashes), tied together by one Markdown page.
 *
 * <p>Only FINISHED runs enter tables; the page says how many others there were, and from which git commits the
 * tables' runs came, with a warning when any ran from a working tree with uncommitted changes. Paths inside the
 * project ({@link Context#base}) are written relative to it, so a committed report names no machine's directories.
 */
public final class StudyReport {
    /** Most runs drawn in the training-curves figure (the first run of each setting beyond that). */
    static final int MAX_CURVES = 12;

    /**
     * What the page says above the tables: title and Markdown lines (machine, duration, command); {@code base} is the
     * project directory: a relative {@code against} file is read from it, and paths under it are written relative
     * to it.
     */
    public record Context(String title, List<String> preface, Path base) {
        public Context {
            preface = List.copyOf(preface);
            base = base.toAbsolutePath().normalize();
        }

        /** A context whose base is the working directory. */
        public Context(String title, List<String> preface) {
            this(title, preface, Path.of(""));
        }

        /** {@code path} relative to {@link #base} when it is an absolute path under it, else as it is. */
        public String relative(String path) {
            if (path == null || path.isEmpty()) return path;
            Path p;
            try {
                p = Path.of(path);
            } catch (InvalidPathException e) {
                return path;
            }
            if (!p.isAbsolute()) return path;
            p = p.normalize();
            if (!p.startsWith(base)) return path;
            String rel = base.relativize(p).toString().replace('\\', '/');
            return rel.isEmpty() ? "." : rel;
        }
    }

    /**
     * What was written; {@code commits}: git commit → number of the tables' runs made from it ("unknown" when a run
     * recorded none), {@code dirtyRuns}: how many of them ran from a tree with uncommitted changes.
     */
    public record Result(Path dir, Path page, RunGroups groups, ReportTable comparison, ReportTable ablation,
            List<Verdict> verdicts, List<Path> files, Map<String, Integer> commits, int dirtyRuns) {}

    /** The run-table tag with a run's git commit. */
    static final String GIT_COMMIT = RunTable.TAGS + "mlflow.source.git.commit";
    /** The run-table tag that says whether the run's working tree had uncommitted changes. */
    static final String GIT_DIRTY = RunTable.TAGS + "sparselab.git.dirty";
    static final String GIT_DIRTY_PATHS = RunTable.TAGS + "sparselab.git.dirty_paths";

    private StudyReport() {}

    /**
     * Writes the report of {@code runs} into {@code dir}, the page as {@code pageName} ({@code index.md},
     * {@code REPORT.md}). Bad input (no finished run, unknown format, a missing paper file) is a {@link
     * ConfigException}.
     */
    public static Result write(RunTable runs, ReportConfig cfg, List<ClaimConfig> claims, Path dir, String pageName,
            Context ctx) throws IOException {
        RunTable finished = runs.finished();
        if (finished.size() == 0) {
            throw new ConfigException(dir.toString(), "no FINISHED runs to report (" + runs.size()
                    + " run record(s): " + statusCounts(runs) + ")");
        }
        TableWriters writers = TableWriters.defaults();
        cfg.formats().forEach(writers::get); // unknown formats fail before anything is written
        PaperNumbers paper = null;
        if (cfg.against() != null) {
            paper = PaperNumbers.read(ctx.base().resolve(cfg.against()));
            cfg = cfg.withAgainst(ctx.relative(ctx.base().resolve(cfg.against()).toString())); // as the notes name it
        }
        RunGroups groups = new RunGroups(finished, cfg);
        ReportTable comparison = ComparisonTable.build(groups, paper);
        ReportTable ablation = cfg.ablation() == null ? null : AblationTable.build(groups, cfg.ablation());
        List<Verdict> verdicts = claims.stream().map(c -> c.check(groups)).toList();

        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (String format : cfg.formats()) {
            TableWriter w = writers.get(format);
            files.add(writeText(dir.resolve("comparison." + w.extension()), w.write(comparison)));
            if (ablation != null) files.add(writeText(dir.resolve("ablation." + w.extension()), w.write(ablation)));
        }
        Map<String, Path> layerPages = layerTables(groups, dir.resolve("layers"), files);
        List<AccuracyVsMacs.Point> points = AccuracyVsMacs.points(groups);
        for (String ext : Figure.FORMATS) {
            Path f = dir.resolve("accuracy_vs_macs." + ext);
            AccuracyVsMacs.write(points, "top-1 vs effective MACs per image", f);
            files.add(f);
        }
        Map<String, List<EpochMetrics>> curves = curves(groups);
        if (!curves.isEmpty()) {
            for (String ext : Figure.FORMATS) {
                Path f = dir.resolve("curves." + ext);
                TrainingCurves.writeRuns(curves, "runs", f);
                files.add(f);
            }
        }
        files.add(writeText(dir.resolve("runs.csv"), csv(runs, ctx)));
        files.add(writeText(dir.resolve("sources.csv"), sources(groups, ctx)));

        Map<String, Integer> commits = new LinkedHashMap<>();
        Map<String, Integer> dirtyCommits = new LinkedHashMap<>();
        Set<String> changed = new TreeSet<>();
        for (RunGroups.Group g : groups.groups()) {
            for (int row : g.rows()) {
                String c = groups.runs().text(row, GIT_COMMIT);
                c = c == null || c.isBlank() ? "unknown" : c;
                commits.merge(c, 1, Integer::sum);
                if (!"true".equals(groups.runs().text(row, GIT_DIRTY))) continue;
                dirtyCommits.merge(c, 1, Integer::sum);
                String paths = groups.runs().text(row, GIT_DIRTY_PATHS);
                if (paths == null) continue;
                for (String f : paths.split(", ")) if (!f.isBlank() && !f.startsWith("…")) changed.add(f);
            }
        }
        int dirty = dirtyCommits.values().stream().mapToInt(Integer::intValue).sum();
        String page = page(ctx, runs, groups, comparison, ablation, verdicts, layerPages, !curves.isEmpty(), dir,
                provenance(commits, dirtyCommits, changed));
        Path pageFile = writeText(dir.resolve(pageName), page);
        files.add(pageFile);
        return new Result(dir, pageFile, groups, comparison, ablation, verdicts, files, Map.copyOf(commits), dirty);
    }

    private static Path writeText(Path file, String text) throws IOException {
        AtomicFiles.write(file, text);
        return file;
    }

    /** For each setting, the per-layer table of its first run that has a profile; label → Markdown file. */
    private static Map<String, Path> layerTables(RunGroups groups, Path dir, List<Path> files) throws IOException {
        Map<String, Path> pages = new LinkedHashMap<>();
        MarkdownWriter md = new MarkdownWriter(MarkdownWriter.Options.DEFAULT);
        CsvTableWriter csv = new CsvTableWriter(CsvTableWriter.Options.DEFAULT);
        for (RunGroups.Group g : groups.groups()) {
            for (String filesDir : g.texts(RunTable.FILES_DIR)) {
                Path profile = Path.of(filesDir).resolve("profile.csv");
                if (!Files.exists(profile)) continue;
                ReportTable t = LayerTable.fromProfile(profile, "Per-layer profile: " + g.label());
                files.add(writeText(dir.resolve(g.slug() + ".csv"), csv.write(t)));
                Path page = writeText(dir.resolve(g.slug() + ".md"), md.write(t));
                files.add(page);
                pages.put(g.label(), page);
                break;
            }
        }
        removeStale(dir, files);
        return pages;
    }

    /** Drops the pages of settings an earlier build had and this one has not ({@code dir} is the report's own). */
    private static void removeStale(Path dir, List<Path> written) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (var entries = Files.list(dir)) {
            for (Path f : entries.toList()) {
                String name = f.getFileName().toString();
                if ((name.endsWith(".md") || name.endsWith(".csv")) && !written.contains(f)) Files.delete(f);
            }
        }
    }

    /** Training curves: every run, or the first run of each setting when there are more than {@link #MAX_CURVES}. */
    private static Map<String, List<EpochMetrics>> curves(RunGroups groups) throws IOException {
        int total = groups.groups().stream().mapToInt(RunGroups.Group::n).sum();
        Map<String, List<EpochMetrics>> curves = new LinkedHashMap<>();
        for (RunGroups.Group g : groups.groups()) {
            List<Integer> rows = total <= MAX_CURVES ? g.rows() : g.rows().subList(0, 1);
            for (int row : rows) {
                if (curves.size() >= MAX_CURVES) return curves;
                String filesDir = groups.runs().text(row, RunTable.FILES_DIR);
                if (filesDir == null || !Files.exists(Path.of(filesDir).resolve(RunRecorder.METRICS))) continue;
                String seed = groups.runs().text(row, RunTable.PARAMS + "seed");
                curves.put(g.label() + (seed == null ? "" : " s" + seed), RunRecorder.readMetrics(Path.of(filesDir)));
            }
        }
        return curves;
    }

    /** The run table as CSV, paths under the project relative to it. */
    private static String csv(RunTable runs, Context ctx) {
        Table t = runs.table().copy();
        for (Column<?> c : t.columns()) {
            if (c instanceof StringColumn sc) {
                for (int i = 0; i < sc.size(); i++) {
                    if (!sc.isMissing(i)) sc.set(i, ctx.relative(sc.get(i)));
                }
            }
        }
        StringWriter w = new StringWriter();
        t.write().csv(CsvWriteOptions.builder(w).lineEnd("\n").build());
        return w.toString();
    }

    /**
     * The page's lines on where the code came from: the commits with their run counts and, when any run ran from a
     * tree with uncommitted changes, a warning that its code is in no commit, naming the changed files the runs
     * recorded ({@code changed}; records from before they were kept name none).
     */
    static List<String> provenance(Map<String, Integer> commits, Map<String, Integer> dirtyCommits,
            Set<String> changed) {
        List<String> lines = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        commits.forEach((c, n) -> parts.add(shortCommit(c) + (commits.size() > 1 ? " (" + n + ")" : "")));
        int total = commits.values().stream().mapToInt(Integer::intValue).sum();
        lines.add("Code: the " + total + " run(s) in the tables ran from git commit" + (commits.size() > 1 ? "s " : " ")
                + String.join(", ", parts) + ".");
        if (!dirtyCommits.isEmpty()) {
            int dirty = dirtyCommits.values().stream().mapToInt(Integer::intValue).sum();
            List<String> at = new ArrayList<>();
            dirtyCommits.forEach((c, n) -> at.add(n + " on " + shortCommit(c)));
            lines.add("");
            lines.add("> **Warning: " + dirty + " of " + total + " run(s) ran from a working tree that differed from "
                    + "its commit (" + String.join(", ", at) + ").** The code behind their numbers is in no commit, so "
                    + "this report cannot be reproduced from the repository: do not commit it; re-run those points "
                    + "from a clean checkout (remove their run records first) and rebuild it."
                    + (changed.isEmpty() ? "" : " Changed files the runs recorded: " + changedList(changed) + "."));
        }
        return lines;
    }

    private static String changedList(Set<String> changed) {
        List<String> shown = changed.stream().limit(10).map(f -> "`" + f + "`").toList();
        return String.join(", ", shown) + (changed.size() > 10 ? " and " + (changed.size() - 10) + " more" : "");
    }

    private static String shortCommit(String c) {
        return c.equals("unknown") ? "an unknown commit" : "`" + c.substring(0, Math.min(12, c.length())) + "`";
    }

    /** The runs the tables were built from: setting, run id, config hash, record directory. */
    private static String sources(RunGroups groups, Context ctx) {
        StringBuilder sb = new StringBuilder("setting,run_id,config_sha256,run_dir\n");
        for (RunGroups.Group g : groups.groups()) {
            for (int row : g.rows()) {
                sb.append(csvCell(g.label())).append(',')
                        .append(csvCell(groups.runs().text(row, RunTable.RUN_ID))).append(',')
                        .append(csvCell(groups.runs().text(row, RunTable.CONFIG_SHA256))).append(',')
                        .append(csvCell(ctx.relative(groups.runs().text(row, RunTable.RUN_DIR)))).append('\n');
            }
        }
        return sb.toString();
    }

    private static String csvCell(String s) {
        if (s == null) return "";
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String statusCounts(RunTable runs) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < runs.size(); i++) {
            String s = runs.text(i, RunTable.STATUS);
            counts.merge(s == null ? "UNKNOWN" : s, 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add(v + " " + k));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String page(Context ctx, RunTable runs, RunGroups groups, ReportTable comparison,
            ReportTable ablation, List<Verdict> verdicts, Map<String, Path> layerPages, boolean curves, Path dir,
            List<String> provenance) {
        MarkdownWriter md = new MarkdownWriter(new MarkdownWriter.Options(0, true));
        StringBuilder sb = new StringBuilder("# ").append(ctx.title()).append("\n\n");
        for (String line : ctx.preface()) sb.append(line).append('\n');
        for (String line : provenance) sb.append(line).append('\n');
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "Built from %d finished run(s) in %d setting(s); run records seen: %s. "
                + "The runs are listed at the end (`sources.csv`); `runs.csv` holds every run's params, metrics and "
                + "tags.%n%n", groups.groups().stream().mapToInt(RunGroups.Group::n).sum(), groups.groups().size(),
                statusCounts(runs)));
        sb.append("## Comparison\n\n").append(md.write(comparison)).append('\n');
        sb.append("![top-1 vs effective MACs](accuracy_vs_macs.png)\n\n");
        sb.append("Top-1 against effective MACs per image; error bars ± one std over seeds; dashed: the Pareto front "
                + "(`accuracy_vs_macs.svg` for print).\n\n");
        if (ablation != null) sb.append("## ").append(ablation.title()).append("\n\n").append(md.write(ablation)).append('\n');
        if (!verdicts.isEmpty()) {
            sb.append("## Claims\n\n| claim | verdict | numbers |\n| :--- | :--- | :--- |\n");
            for (Verdict v : verdicts) {
                sb.append("| ").append(MarkdownWriter.escape(v.claim())).append(" | **").append(v.result().word())
                        .append("** | ").append(MarkdownWriter.escape(v.detail())).append(" |\n");
            }
            sb.append('\n').append(Verdict.METHOD).append("\n\n");
        }
        if (curves) sb.append("## Training curves\n\n![training curves](curves.png)\n\n");
        if (!layerPages.isEmpty()) {
            sb.append("## Per-layer tables\n\n");
            layerPages.forEach((label, file) -> sb.append("- [").append(label).append("](")
                    .append(dir.relativize(file).toString().replace('\\', '/')).append(")\n"));
            sb.append('\n');
        }
        sb.append("## Runs\n\n| setting | run | config SHA-256 |\n| :--- | :--- | :--- |\n");
        for (RunGroups.Group g : groups.groups()) {
            for (int row : g.rows()) {
                String hash = groups.runs().text(row, RunTable.CONFIG_SHA256);
                sb.append("| ").append(MarkdownWriter.escape(g.label())).append(" | `")
                        .append(groups.runs().text(row, RunTable.RUN_ID)).append("` | `")
                        .append(hash == null ? "—" : hash.substring(0, Math.min(16, hash.length()))).append("…` |\n");
            }
        }
        return sb.toString();
    }
}
