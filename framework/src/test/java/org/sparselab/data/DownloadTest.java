package org.sparselab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a loopback HTTP server started here; the real internet is never contacted. */
class DownloadTest {
    @TempDir Path tmp;
    private HttpServer server;
    private final Map<String, byte[]> served = new HashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            byte[] body = served.get(ex.getRequestURI().getPath());
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Serves a tiny MNIST set and returns a manifest whose downloads point at it, with real SHA-256s. */
    private Manifest serveMnist(boolean corruptOne) throws Exception {
        Path src = tmp.resolve("src");
        DataFiles.writeMnist(src, 4, 2, true);
        List<Manifest.Download> dls = new ArrayList<>();
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                byte[] bytes = Files.readAllBytes(f);
                String sha = Checksums.of(f).sha256();
                if (corruptOne && name.startsWith("train-labels")) bytes[bytes.length - 1] ^= 1;
                served.put("/mirror/" + name, bytes);
                dls.add(new Manifest.Download(name, List.of(url("/missing/" + name), url("/mirror/" + name)),
                        (long) bytes.length, sha, null, false));
            }
        }
        return DataFiles.idxManifest("tiny", dls, Map.of(), null);
    }

    @Test
    void downloadsVerifiesAndUsesTheFiles() throws Exception {
        Manifest m = serveMnist(false);
        Path project = tmp.resolve("project");
        var r = new DatasetResolver(m, DataEnvironment.isolated(project)).resolve(null, true);
        assertEquals("download", r.origin());
        assertEquals(project.resolve("datasets/tiny"), r.dir());
        assertArrayEquals(served.get("/mirror/t10k-labels-idx1-ubyte.gz"),
                Files.readAllBytes(r.files().get("t10k-labels-idx1-ubyte.gz")));
        try (Stream<Path> left = Files.list(r.dir())) {
            assertFalse(left.anyMatch(p -> p.toString().endsWith(".part")), "no temporary files left");
        }
        // Second resolution finds the files in the project directory without any request.
        int before = requests.get();
        assertEquals("project", new DatasetResolver(m, DataEnvironment.isolated(project)).resolve(null, true).origin());
        assertEquals(before, requests.get());
    }

    @Test
    void downloadGoesToSparselabDataWhenSet() throws Exception {
        Manifest m = serveMnist(false);
        Path home = tmp.resolve("home");
        var env = DataEnvironment.isolated(tmp.resolve("project")).withDataHome(home);
        assertEquals(home.resolve("tiny"), new DatasetResolver(m, env).resolve(null, true).dir());
    }

    @Test
    void checksumMismatchIsNotKept() throws Exception {
        Manifest m = serveMnist(true);
        Path project = tmp.resolve("project");
        var e = assertThrows(DataException.class,
                () -> new DatasetResolver(m, DataEnvironment.isolated(project)).resolve(null, true));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("could not download train-labels-idx1-ubyte.gz into " + project.resolve(
                "datasets/tiny")), msg);
        assertTrue(msg.contains(url("/missing/train-labels-idx1-ubyte.gz") + ": HTTP 404"), msg);
        assertTrue(msg.contains("checksum mismatch: sha256"), msg);
        assertFalse(Files.exists(project.resolve("datasets/tiny/train-labels-idx1-ubyte.gz")));
    }

    @Test
    void serverDownIsOneClearError() throws Exception {
        Manifest m = serveMnist(false);
        server.stop(0);
        Path project = tmp.resolve("project");
        var e = assertThrows(DataException.class,
                () -> new DatasetResolver(m, DataEnvironment.isolated(project)).resolve(null, true));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("could not download t10k-images-idx3-ubyte.gz"), msg);
        assertTrue(msg.contains("ConnectException"), msg);
        assertTrue(msg.contains("set data.root to a directory holding"), msg);
        assertEquals(1, msg.lines().count());
    }

    @Test
    void archivesAreVerifiedByMd5AndUnpacked() throws Exception {
        byte[] train = DataFiles.cifarRecords(new int[][] {{1}, {2}, {3}});
        byte[] test = DataFiles.cifarRecords(new int[][] {{4}});
        byte[] archive = DataFiles.tarGz(List.of("cifar-10-batches-bin/data_batch_1.bin",
                "cifar-10-batches-bin/test_batch.bin"), List.of(train, test));
        served.put("/c.tar.gz", archive);
        Path a = Files.write(tmp.resolve("a.tar.gz"), archive);
        Manifest m = new Manifest("tinycifar", "test", "cifar10", 3, 32, 10, null, null, List.of(0.5), List.of(0.25),
                List.of("cifar-10-batches-bin/data_batch_1.bin", "cifar-10-batches-bin/test_batch.bin"),
                List.of(new Manifest.Download("c.tar.gz", List.of(url("/c.tar.gz")), null, null,
                        Checksums.of(a).md5(), true)), Map.of(), null, List.of());
        Path project = tmp.resolve("project");
        var r = new DatasetResolver(m, DataEnvironment.isolated(project)).resolve(null, true);
        Path dir = project.resolve("datasets/tinycifar");
        assertEquals(dir.resolve("cifar-10-batches-bin/test_batch.bin"),
                r.files().get("cifar-10-batches-bin/test_batch.bin"));
        assertArrayEquals(train, Files.readAllBytes(dir.resolve("cifar-10-batches-bin/data_batch_1.bin")));
        assertFalse(Files.exists(dir.resolve("c.tar.gz")), "archive removed after unpacking");
    }
}
