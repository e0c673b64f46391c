package org.sparselab.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 and MD5 of a file in one pass, and the check of a file against a manifest's accepted checksums. */
final class Checksums {
    private Checksums() {}

    /** Both digests of one file, lowercase hex. */
    record Hashes(String sha256, String md5, long size) {
        boolean matches(String spec) {
            int colon = spec.indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("checksum without algorithm: " + spec);
            String algo = spec.substring(0, colon).toLowerCase();
            String hex = spec.substring(colon + 1).toLowerCase();
            return switch (algo) {
                case "sha256" -> hex.equals(sha256);
                case "md5" -> hex.equals(md5);
                default -> throw new IllegalArgumentException("unknown checksum algorithm " + algo + " in " + spec);
            };
        }
    }

    static MessageDigest sha256() {
        return digest("SHA-256");
    }

    static MessageDigest md5() {
        return digest("MD5");
    }

    static Hashes of(Path file) {
        MessageDigest sha = sha256();
        MessageDigest md5 = md5();
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; size += n) {
                sha.update(buf, 0, n);
                md5.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage() + "; check the file's permissions",
                    e);
        }
        return new Hashes(hex(sha.digest()), hex(md5.digest()), size);
    }

    /** Throws unless the file matches one of the accepted checksums; an empty list accepts anything. */
    static Hashes verify(Path file, List<String> accepted) {
        Hashes h = of(file);
        if (accepted == null || accepted.isEmpty()) return h;
        for (String spec : accepted) {
            if (h.matches(spec)) return h;
        }
        throw new DataException("checksum mismatch: " + file + " has sha256:" + h.sha256() + " md5:" + h.md5()
                + ", expected one of " + accepted + "; the file is corrupt or a different version: delete it and "
                + "download it again");
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static MessageDigest digest(String algo) {
        try {
            return MessageDigest.getInstance(algo);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algo + " missing from the JVM", e);
        }
    }
}
