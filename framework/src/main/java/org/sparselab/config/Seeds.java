package org.sparselab.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Seeds derived from one root seed by consumer name, e.g. {@code derive(seed, "data.shuffle", epoch)}: a new
 * consumer never shifts the streams of the others, and a stream can be re-created at any epoch (exact resume).
 */
public final class Seeds {
    private Seeds() {}

    public static long derive(long root, String consumer, long... indices) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Long.toString(root).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(consumer.getBytes(StandardCharsets.UTF_8));
            for (long i : indices) {
                md.update((byte) 0);
                md.update(Long.toString(i).getBytes(StandardCharsets.UTF_8));
            }
            byte[] h = md.digest();
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 0xff);
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }
}
