package org.sparselab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetResolverTest {
    @TempDir Path tmp;

    private final Manifest manifest = DataFiles.idxManifest("tiny", List.of(), Map.of(),
            new Manifest.SystemInstall("dataset-tiny", "sudo apt-get install dataset-tiny", List.of("/nonexistent")));

    @Test
    void rootBeatsEnvBeatsProjectBeatsSystem() throws Exception {
        Path root = tmp.resolve("root");
        Path home = tmp.resolve("home");
        Path project = tmp.resolve("project");
        Path system = tmp.resolve("system");
        for (Path d : List.of(root, home.resolve("tiny"), project.resolve("datasets/tiny"), system)) {
            DataFiles.writeMnist(d, 2, 1, true);
        }
        DataEnvironment env = DataEnvironment.isolated(project).withDataHome(home).withSystemPaths(List.of(system));
        DatasetResolver r = new DatasetResolver(manifest, env);
        assertEquals("data.root", r.resolve(root.toString(), false).origin());
        assertEquals(root, r.resolve(root.toString(), false).dir());
        assertEquals(home.resolve("tiny"), r.resolve(null, false).dir());

        deleteTree(home);
        assertEquals(project.resolve("datasets/tiny"), r.resolve(null, false).dir());
        assertEquals("project", r.resolve(null, false).origin());

        deleteTree(project.resolve("datasets"));
        DatasetResolver.Resolved s = r.resolve(null, false);
        assertEquals(system, s.dir());
        assertEquals("system", s.origin());
        assertEquals(4, s.sha256().size());
    }

    @Test
    void uncompressedFilesStandInForGzippedOnes() throws Exception {
        Path project = tmp.resolve("project");
        DataFiles.writeMnist(project.resolve("datasets/tiny"), 2, 1, false);
        var r = new DatasetResolver(manifest, DataEnvironment.isolated(project)).resolve(null, false);
        assertEquals(project.resolve("datasets/tiny/train-images-idx3-ubyte"),
                r.files().get("train-images-idx3-ubyte.gz"));
    }

    @Test
    void rootWithoutTheFilesIsAnErrorNotAFallback() throws Exception {
        Path project = tmp.resolve("project");
        DataFiles.writeMnist(project.resolve("datasets/tiny"), 2, 1, true);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        var e = assertThrows(DataException.class,
                () -> new DatasetResolver(manifest, DataEnvironment.isolated(project))
                        .resolve(empty.toString(), false));
        assertTrue(e.getMessage().startsWith("data.root " + empty + " does not hold the tiny files"), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
    }

    @Test
    void missingDataSaysHowToGetIt() {
        Manifest withUrls = DataFiles.idxManifest("tiny", List.of(new Manifest.Download("train-images-idx3-ubyte.gz",
                List.of("https://example.org/train-images-idx3-ubyte.gz"), null, null, "00", false)), Map.of(),
                manifest.system());
        Path project = tmp.resolve("project");
        var e = assertThrows(DataException.class,
                () -> new DatasetResolver(withUrls, DataEnvironment.isolated(project)).resolve(null, false));
        String m = e.getMessage();
        assertTrue(m.startsWith("tiny not found; looked in [" + project.resolve("datasets/tiny") + "]"), m);
        assertTrue(m.contains("install the package dataset-tiny (sudo apt-get install dataset-tiny"), m);
        assertTrue(m.contains("download https://example.org/train-images-idx3-ubyte.gz into "
                + project.resolve("datasets/tiny")), m);
        assertTrue(m.contains("set data.root to a directory holding"), m);
        assertTrue(m.contains("data.download: true"), m);
        assertEquals(1, m.lines().count());
    }

    @Test
    void failedDownloadFallsBackToInstallingTheSystemPackage() throws Exception {
        // Port 1 on loopback refuses the connection at once: the download fails without any network.
        Manifest unreachable = DataFiles.idxManifest("tiny", List.of(new Manifest.Download("train-images-idx3-ubyte.gz",
                List.of("http://127.0.0.1:1/train-images-idx3-ubyte.gz"), null, null, null, false)), Map.of(),
                manifest.system());
        Path project = tmp.resolve("project");
        Path system = tmp.resolve("usr/share/datasets/tiny");
        List<String> asked = new java.util.ArrayList<>();
        PackageInstaller fake = name -> {
            asked.add(name);
            try {
                DataFiles.writeMnist(system, 2, 1, true); // what the package would put there
            } catch (java.io.IOException e) {
                return e.getMessage();
            }
            return null;
        };
        DataEnvironment env = DataEnvironment.isolated(project).withSystemPaths(List.of(system)).withInstaller(fake);
        DatasetResolver.Resolved r = new DatasetResolver(unreachable, env).resolve(null, true);
        assertEquals(List.of("dataset-tiny"), asked);
        assertEquals(system, r.dir());
        assertEquals("system package dataset-tiny", r.origin());

        // Installing fails too: the download error and how to get the data, on one line, and nothing found.
        deleteTree(tmp.resolve("usr"));
        DataEnvironment refusing = DataEnvironment.isolated(project).withSystemPaths(List.of(system))
                .withInstaller(name -> "not running as root");
        var e = assertThrows(DataException.class,
                () -> new DatasetResolver(unreachable, refusing).resolve(null, true));
        assertTrue(e.getMessage().startsWith("could not download train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("install the package dataset-tiny"), e.getMessage());
    }

    @Test
    void checksumMismatchNamesTheFile() throws Exception {
        // The real mnist manifest lists md5s for the .gz files; our small test files cannot match them.
        Path project = tmp.resolve("project");
        DataFiles.writeMnist(project.resolve("datasets/mnist"), 2, 1, true);
        var r = new DatasetResolver(Manifest.forName("mnist"), DataEnvironment.isolated(project));
        var e = assertThrows(DataException.class, () -> r.resolve(null, false));
        assertTrue(e.getMessage().startsWith("checksum mismatch: " + project.resolve("datasets/mnist")),
                e.getMessage());
        assertTrue(e.getMessage().contains("expected one of [md5:"), e.getMessage());
    }

    @Test
    void packagedManifestsDescribeTheirDatasets() {
        for (String name : DataConfig.NAMES) {
            Manifest m = Manifest.forName(name);
            assertEquals(name, m.name());
            assertTrue(m.mean().size() >= m.channels() && m.std().size() >= m.channels(), name);
        }
        Manifest fm = Manifest.forName("fashion_mnist");
        assertEquals("dataset-fashion-mnist", fm.system().packageName());
        for (Manifest.Download d : fm.downloads()) {
            assertTrue(d.md5() != null && d.md5().matches("[0-9a-f]{32}"), d.file());
            assertEquals(2, fm.checksums().get(d.file()).size(), d.file());
        }
        assertEquals("c32a1d4ab5d03f1284b67883e8d87530", Manifest.forName("cifar10").downloads().get(0).md5());
    }

    static void deleteTree(Path p) throws Exception {
        try (var all = Files.walk(p)) {
            for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }
}
