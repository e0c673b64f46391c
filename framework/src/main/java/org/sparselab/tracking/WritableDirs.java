package org.sparselab.tracking;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.sparselab.config.ConfigException;

/**
 * Checks, before a run starts, that a directory it will write (run records, an MLflow file store) can be created and
 * written, so an unwritable place is one line of bad input instead of a run that dies or silently logs nothing.
 *
 * <p>Permission bits alone do not tell (root ignores them; a read-only mount does not show in them), so the check
 * creates and deletes one empty file in the directory, or in its nearest existing ancestor when it does not exist
 * yet. Nothing else is created.
 */
public final class WritableDirs {
    private static final String PROBE = ".sparselab-write-check";

    private WritableDirs() {}

    /**
     * Throws a {@link ConfigException} for {@code key} unless {@code dir} exists as a writable directory or could be
     * created: its nearest existing ancestor must be a directory in which this process can create files.
     */
    public static void require(String key, Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        Path existing = target;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) throw new ConfigException(key, target + ": no part of this path exists");
        if (!Files.isDirectory(existing)) {
            String what = Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS) ? "a regular file" : "not a directory";
            throw new ConfigException(key, target + (existing.equals(target) ? " is " : ": " + existing + " is ") + what
                    + ", so the directory cannot be created; choose another " + key);
        }
        try {
            Path probe = Files.createTempFile(existing, PROBE, ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new ConfigException(key, target + (existing.equals(target) ? "" : ": " + existing) + " is not "
                    + "writable (" + reason(e) + "); choose another " + key + " or make it writable");
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
