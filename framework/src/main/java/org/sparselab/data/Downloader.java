package org.sparselab.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a manifest's downloads into a directory: mirrors tried in order, size and checksum verified while
 * streaming to a temporary file, which is then moved into place atomically, so an interrupted download never
 * leaves a file that looks complete. Archives are unpacked the same way (to a temporary folder, then moved).
 *
 * <p>Only commons-compress's tar <em>reader</em> is used: its writer needs commons-lang3, which is not on the
 * classpath.
 */
final class Downloader {
    private static final Logger log = LoggerFactory.getLogger(Downloader.class);

    private final HttpClient client;

    Downloader(Duration connectTimeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /**
     * Makes {@code dl.file()} present and verified in {@code dir} (reusing a verified copy already there), and
     * unpacks it when it is an archive. Failures of all mirrors → one DataException listing each mirror's reason.
     */
    void fetch(Manifest.Download dl, Path dir) {
        Path target = dir.resolve(dl.file());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException("cannot create " + dir + " for the download: " + e.getMessage()
                    + "; set SPARSELAB_DATA or data.root to a writable directory", e);
        }
        if (!(Files.isRegularFile(target) && problem(dl, Checksums.of(target)) == null)) {
            List<String> failures = new ArrayList<>();
            boolean done = false;
            for (String url : dl.urls()) {
                String why = tryUrl(url, dl, target);
                if (why == null) {
                    done = true;
                    break;
                }
                log.warn("download of {} from {} failed: {}", dl.file(), url, why);
                failures.add(url + ": " + why);
            }
            if (!done) {
                throw new DataException("could not download " + dl.file() + " into " + dir + " (" + String.join("; ",
                        failures) + ")");
            }
        }
        if (dl.extract()) extract(target, dir);
    }

    /** Downloads {@code url} to {@code target}; null on success, else the reason. */
    private String tryUrl(String url, Manifest.Download dl, Path target) {
        log.info("downloading {} from {}", dl.file(), url);
        Path part = null;
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).GET().build();
            HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = resp.body()) {
                if (resp.statusCode() != 200) return "HTTP " + resp.statusCode();
                part = Files.createTempFile(target.getParent(), "." + dl.file(), ".part");
                MessageDigest sha = Checksums.sha256();
                MessageDigest md5 = Checksums.md5();
                long size = 0;
                try (OutputStream out = Files.newOutputStream(part)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = body.read(buf)) > 0; size += n) {
                        out.write(buf, 0, n);
                        sha.update(buf, 0, n);
                        md5.update(buf, 0, n);
                    }
                }
                String why = problem(dl, new Checksums.Hashes(Checksums.hex(sha.digest()), Checksums.hex(md5.digest()),
                        size));
                if (why != null) return why;
                move(part, target);
                part = null;
                return null;
            }
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (IllegalArgumentException e) {
            return "bad URL (" + e.getMessage() + ")";
        } finally {
            if (part != null) deleteQuietly(part);
        }
    }

    /** Null when the hashes satisfy the entry (SHA-256 when recorded, else MD5), else what is wrong. */
    static String problem(Manifest.Download dl, Checksums.Hashes h) {
        if (dl.size() != null && dl.size() != h.size()) {
            return "size " + h.size() + " bytes, expected " + dl.size();
        }
        if (dl.sha256() != null) {
            return dl.sha256().equalsIgnoreCase(h.sha256()) ? null
                    : "checksum mismatch: sha256 " + h.sha256() + ", expected " + dl.sha256();
        }
        if (dl.md5() != null) {
            return dl.md5().equalsIgnoreCase(h.md5()) ? null
                    : "checksum mismatch: md5 " + h.md5() + ", expected " + dl.md5();
        }
        return null;
    }

    /** Unpacks a .tar.gz into {@code dir} through a temporary folder, refusing entries that escape it. */
    static void extract(Path archive, Path dir) {
        log.info("extracting {}", archive);
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(dir, ".extract");
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                    TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
                for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                    Path out = tmp.resolve(e.getName()).normalize();
                    if (!out.startsWith(tmp)) {
                        throw new DataException(archive + ": entry " + e.getName() + " points outside the archive "
                                + "folder; expected a plain dataset archive: delete it and download it again");
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (e.isFile()) {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            try (Stream<Path> top = Files.list(tmp)) {
                for (Path p : top.toList()) {
                    Path dest = dir.resolve(p.getFileName().toString());
                    if (Files.exists(dest)) deleteTree(dest);
                    move(p, dest);
                }
            }
            Files.delete(archive); // its content is now on disk; the archive would only double the space
        } catch (IOException e) {
            throw new DataException(archive + ": cannot extract (" + e.getMessage() + "), expected a complete .tar.gz; "
                    + "delete it and download it again", e);
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> all = Files.walk(p)) {
            all.sorted(Comparator.reverseOrder()).forEach(Downloader::deleteQuietly);
        } catch (IOException e) {
            log.warn("could not remove {}: {}", p, e.getMessage());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("could not remove {}: {}", p, e.getMessage());
        }
    }
}
