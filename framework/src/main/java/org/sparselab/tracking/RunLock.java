package org.sparselab.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sparselab.config.ConfigException;

/**
 * An OS file lock on a run directory ({@code .lock}), held by the one process that writes the run. The kernel
 * releases it when that process dies, however it dies (kill -9 included), so "locked" means "someone writes it now"
 * and a second writer (a resume, or a sweep re-run that would start one) refuses with one line.
 *
 * <p>POSIX locks belong to a process and closing any descriptor of the file releases them, so this JVM never opens
 * the lock file of a run it holds a second time: such runs are remembered in {@link #HELD}.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code runDir} for this process; a {@link ConfigException} (one line, exit code 2) when another
     * process (or this one) holds it.
     */
    public static RunLock acquire(Path runDir) {
        Path dir = key(runDir);
        if (!HELD.add(dir)) throw locked(runDir, "this process");
        try {
            FileChannel ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                HELD.remove(dir);
                throw locked(runDir, holder(runDir));
            }
            return new RunLock(dir, ch, l);
        } catch (IOException e) {
            HELD.remove(dir);
            throw new UncheckedIOException("cannot lock " + dir.resolve(FILE), e);
        }
    }

    /** Refuses (one line) when some process holds the lock of {@code runDir} now. */
    public static void requireFree(Path runDir) {
        if (isHeld(runDir)) throw locked(runDir, HELD.contains(key(runDir)) ? "this process" : holder(runDir));
    }

    /** Whether some process (this one included) holds the lock of {@code runDir} now. */
    public static boolean isHeld(Path runDir) {
        Path dir = key(runDir);
        if (HELD.contains(dir)) return true;
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) return false;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) return true;
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false; // unreadable: nobody can be holding it through this file
        }
    }

    /** Whether {@code runDir} has a lock file at all (records written before locks existed have none). */
    public static boolean hasLockFile(Path runDir) {
        return Files.exists(runDir.resolve(FILE));
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + dir.resolve(FILE), e);
        } finally {
            HELD.remove(dir);
        }
    }

    private static Path key(Path runDir) {
        return runDir.toAbsolutePath().normalize();
    }

    private static String holder(Path runDir) {
        try {
            ProcessInfo p = RunSummary.read(runDir).process();
            if (p != null) return "process " + p.pid() + " on " + p.host();
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "another process";
    }

    private static ConfigException locked(Path runDir, String who) {
        return new ConfigException(runDir.toString(), 0, "", "this run is being written by " + who
                + "; wait for it to end (or stop it) before resuming or re-running it", null);
    }
}
