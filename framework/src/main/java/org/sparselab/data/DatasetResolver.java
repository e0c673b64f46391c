package org.sparselab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a dataset's files, in this order: {@code data.root}; {@code $SPARSELAB_DATA/<name>/};
 * {@code <project>/datasets/<name>/}; the manifest's system paths (e.g. Debian's {@code dataset-fashion-mnist});
 * then, when {@code data.download} is on, a verified download into {@code $SPARSELAB_DATA/<name>/} (or
 * {@code <project>/datasets/<name>/} when unset). The first directory holding every file wins, and its files are
 * checked against the manifest's checksums; otherwise one {@link DataException} says how to get the data.
 *
 * <p>A {@code data.root} that lacks files is an error rather than a reason to look elsewhere: an explicit setting
 * that silently falls back would train on data the user did not name.
 */
public final class DatasetResolver {
    private static final Logger log = LoggerFactory.getLogger(DatasetResolver.class);

    private final Manifest manifest;
    private final DataEnvironment env;

    public DatasetResolver(Manifest manifest, DataEnvironment env) {
        this.manifest = manifest;
        this.env = env;
    }

    /**
     * The located, verified files.
     *
     * @param dir the directory they were found in
     * @param origin which rule found them: {@code data.root}, {@code SPARSELAB_DATA}, {@code project},
     *     {@code system}, {@code download}
     * @param files manifest file name → the file on disk (an IDX file may be the uncompressed variant)
     * @param sha256 manifest file name → SHA-256 of the file on disk
     */
    public record Resolved(Path dir, String origin, Map<String, Path> files, Map<String, String> sha256) {}

    /** Locates (or downloads) and verifies the dataset; {@code root} is {@code data.root} or null. */
    public Resolved resolve(String root, boolean download) {
        if (root != null) {
            Path dir = env.projectDir().resolve(root);
            Map<String, Path> files = locate(dir);
            if (files == null) {
                throw new DataException("data.root " + dir + " does not hold the " + manifest.name() + " files "
                        + missing(dir) + "; put them there (" + layout() + ") or unset data.root to search "
                        + "$SPARSELAB_DATA, datasets/" + manifest.name() + "/ and system paths");
            }
            return verified(dir, "data.root", files);
        }
        List<Path> searched = new ArrayList<>();
        for (Candidate c : candidates()) {
            searched.add(c.dir());
            Map<String, Path> files = locate(c.dir());
            if (files != null) return verified(c.dir(), c.origin(), files);
        }
        Path target = downloadDir();
        if (download && !manifest.downloads().isEmpty()) {
            Downloader d = new Downloader(env.connectTimeout());
            try {
                for (Manifest.Download dl : manifest.downloads()) d.fetch(dl, target);
            } catch (DataException e) {
                Resolved installed = fromSystemPackage();
                if (installed != null) return installed;
                throw new DataException(e.getMessage() + "; " + howTo(searched, target), e);
            }
            Map<String, Path> files = locate(target);
            if (files == null) {
                throw new DataException(target + ": downloaded " + manifest.name() + " but files " + missing(target)
                        + " are still missing; the manifest datasets/" + manifest.name() + ".json is out of date");
            }
            return verified(target, "download", files);
        }
        throw new DataException(manifest.name() + " not found; " + howTo(searched, target));
    }

    /**
     * The download failed: install the manifest's system package, if the environment may, and look in its paths
     * again. Null when there is no package, installing is off or failed, or the files are still missing.
     */
    private Resolved fromSystemPackage() {
        Manifest.SystemInstall sys = manifest.system();
        if (sys == null || sys.packageName() == null) return null;
        log.info("{}: download failed; installing the system package {}", manifest.name(), sys.packageName());
        String failure = env.installer().install(sys.packageName());
        if (failure != null) {
            log.info("{}: package {} not installed: {}", manifest.name(), sys.packageName(), failure);
            return null;
        }
        for (Path p : systemPaths()) {
            Map<String, Path> files = locate(p);
            if (files != null) return verified(p, "system package " + sys.packageName(), files);
        }
        return null;
    }

    private record Candidate(Path dir, String origin) {}

    private List<Candidate> candidates() {
        List<Candidate> out = new ArrayList<>();
        if (env.dataHome() != null) out.add(new Candidate(env.dataHome().resolve(manifest.name()), "SPARSELAB_DATA"));
        out.add(new Candidate(projectDir(), "project"));
        for (Path p : systemPaths()) out.add(new Candidate(p, "system"));
        return out;
    }

    private Path projectDir() {
        return env.projectDir().resolve("datasets").resolve(manifest.name());
    }

    private Path downloadDir() {
        return env.dataHome() != null ? env.dataHome().resolve(manifest.name()) : projectDir();
    }

    private List<Path> systemPaths() {
        if (env.systemPaths() != null) return env.systemPaths();
        if (manifest.system() == null) return List.of();
        return manifest.system().paths().stream().map(Path::of).toList();
    }

    /** Every manifest file in {@code dir} (also uncompressed, or without its archive folder), or null if any lacks. */
    Map<String, Path> locate(Path dir) {
        if (!Files.isDirectory(dir)) return null;
        Map<String, Path> found = new LinkedHashMap<>();
        for (String rel : manifest.files()) {
            Path f = find(dir, rel);
            if (f == null) return null;
            found.put(rel, f);
        }
        return found.isEmpty() ? null : found;
    }

    private static Path find(Path dir, String rel) {
        String base = Path.of(rel).getFileName().toString();
        List<String> names = new ArrayList<>(List.of(rel, base));
        if (rel.endsWith(".gz")) {
            names.add(rel.substring(0, rel.length() - 3));
            names.add(base.substring(0, base.length() - 3));
        }
        for (String n : names) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private Resolved verified(Path dir, String origin, Map<String, Path> files) {
        Map<String, String> sha = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            List<String> accepted = manifest.checksums().get(e.getValue().getFileName().toString());
            sha.put(e.getKey(), Checksums.verify(e.getValue(), accepted).sha256());
        }
        log.info("{}: using {} ({})", manifest.name(), dir, origin);
        return new Resolved(dir, origin, Map.copyOf(files), Map.copyOf(sha));
    }

    private String missing(Path dir) {
        List<String> absent = manifest.files().stream().filter(f -> find(dir, f) == null).toList();
        return absent.toString();
    }

    private String layout() {
        return "files " + manifest.files();
    }

    /** Everything a user needs to get the data, on one line. */
    private String howTo(List<Path> searched, Path target) {
        StringBuilder sb = new StringBuilder("looked in ").append(searched)
                .append(env.dataHome() == null ? " ($SPARSELAB_DATA unset)" : "").append(". To get it: ");
        Manifest.SystemInstall sys = manifest.system();
        if (sys != null) {
            sb.append("install the package ").append(sys.packageName()).append(" (").append(sys.install())
                    .append(", it installs into ").append(String.join(", ", sys.paths())).append("), or ");
        }
        if (!manifest.downloads().isEmpty()) {
            sb.append("download ");
            List<String> urls = new ArrayList<>();
            for (Manifest.Download dl : manifest.downloads()) {
                urls.add(dl.urls().isEmpty() ? dl.file() : dl.urls().get(0) + (dl.extract() ? " (unpack it)" : ""));
            }
            sb.append(String.join(", ", urls)).append(" into ").append(target).append("/, or ");
        }
        sb.append("set data.root to a directory holding ").append(manifest.files());
        if (!manifest.downloads().isEmpty()) sb.append("; data.download: true fetches the files automatically");
        return sb.toString();
    }
}
