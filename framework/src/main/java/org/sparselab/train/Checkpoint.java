package org.sparselab.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where training stood at the end of an epoch, and the bytes needed to continue exactly from there.
 *
 * <p>Randomness needs no stored state: data order and augmentation derive from (seed, epoch, sample) and training
 * itself draws no random numbers, so position plus parameters, optimizer and method state determine the rest.
 *
 * @param phaseIndex phase of the last completed epoch
 * @param epochInPhase last completed epoch within that phase (0-based)
 * @param epoch last completed global epoch
 * @param step optimizer steps taken so far
 * @param configSha256 the resolved config this checkpoint belongs to; resume refuses a different one
 */
public record Checkpoint(int phaseIndex, int epochInPhase, int epoch, long step, double bestTop1, int bestEpoch,
        String configSha256, byte[] parameters, byte[] optimizerState, byte[] methodState) {
    private static final int MAGIC = 0x534c434b; // "SLCK"
    // 2: the method state is a MethodState JSON document (1 held a per-method byte stream).
    private static final int VERSION = 2;

    /** Writes atomically: a reader sees the previous checkpoint or this one, never half of one. */
    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp);
                DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(phaseIndex);
            out.writeInt(epochInPhase);
            out.writeInt(epoch);
            out.writeLong(step);
            out.writeDouble(bestTop1);
            out.writeInt(bestEpoch);
            out.writeUTF(configSha256);
            writeBlob(out, parameters);
            writeBlob(out, optimizerState);
            writeBlob(out, methodState);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Checkpoint read(Path file) throws IOException {
        try (InputStream is = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(is))) {
            if (in.readInt() != MAGIC) throw new IOException(file + ": not a sparselab checkpoint (bad magic)");
            int version = in.readInt();
            if (version == 1) {
                throw new IOException(file + ": checkpoint version 1 was written before method states became typed "
                        + "(sparselab 2026-12); this build cannot resume it: start the run again, or resume it with "
                        + "the build that wrote it");
            }
            if (version != VERSION) throw new IOException(file + ": checkpoint version " + version + " unsupported");
            return new Checkpoint(in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readDouble(),
                    in.readInt(), in.readUTF(), readBlob(in), readBlob(in), readBlob(in));
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": checkpoint is truncated", e);
        }
    }

    /** Serialises with {@code writer} into bytes. */
    public static byte[] bytes(IoWriter writer) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            writer.write(out);
        }
        return bos.toByteArray();
    }

    public static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    /** Something that writes itself to a stream. */
    @FunctionalInterface
    public interface IoWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private static void writeBlob(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBlob(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }
}
