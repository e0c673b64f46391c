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
 * Where training stood at the end of an epoch, or at a step boundary within one ({@link MidEpoch}: a stop
 * requested by SIGTERM), and the bytes needed to continue exactly from there.
 *
 * <p>Randomness needs no stored state: data order and augmentation derive from (seed, epoch, sample) and training
 * itself draws no random numbers, so position plus parameters, optimizer and method state determine the rest.
 *
 * @param phaseIndex phase of the last completed epoch (with {@code midEpoch}: of the epoch in progress)
 * @param epochInPhase last completed epoch within that phase, 0-based (with {@code midEpoch}: the one in progress)
 * @param epoch last completed global epoch (with {@code midEpoch}: the one in progress)
 * @param step optimizer steps taken so far
 * @param configSha256 the resolved config this checkpoint belongs to; resume refuses a different one
 * @param midEpoch null at an epoch's end; else how far the epoch in progress went
 */
public record Checkpoint(int phaseIndex, int epochInPhase, int epoch, long step, double bestTop1, int bestEpoch,
        String configSha256, byte[] parameters, byte[] optimizerState, byte[] methodState, MidEpoch midEpoch) {
    private static final int MAGIC = 0x534c434b; // "SLCK"
    private static final int MID_EPOCH_MAGIC = 0x534c4d45; // "SLME": an optional trailer, so the version stays

    /** A checkpoint at the end of an epoch. */
    public Checkpoint(int phaseIndex, int epochInPhase, int epoch, long step, double bestTop1, int bestEpoch,
            String configSha256, byte[] parameters, byte[] optimizerState, byte[] methodState) {
        this(phaseIndex, epochInPhase, epoch, step, bestTop1, bestEpoch, configSha256, parameters, optimizerState,
                methodState, null);
    }

    /**
     * The part of an epoch done when training stopped: batches trained, and the running sums of the epoch's training
     * metrics, so the resumed epoch reports exactly what an uninterrupted one would.
     */
    public record MidEpoch(int batches, double lossSum, long samples, long top1Hits, long top5Hits, double lr,
            double seconds) {}
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
            if (midEpoch != null) {
                out.writeInt(MID_EPOCH_MAGIC);
                out.writeInt(midEpoch.batches());
                out.writeDouble(midEpoch.lossSum());
                out.writeLong(midEpoch.samples());
                out.writeLong(midEpoch.top1Hits());
                out.writeLong(midEpoch.top5Hits());
                out.writeDouble(midEpoch.lr());
                out.writeDouble(midEpoch.seconds());
            }
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
            int phaseIndex = in.readInt();
            int epochInPhase = in.readInt();
            int epoch = in.readInt();
            long step = in.readLong();
            double bestTop1 = in.readDouble();
            int bestEpoch = in.readInt();
            String sha = in.readUTF();
            byte[] params = readBlob(in);
            byte[] opt = readBlob(in);
            byte[] method = readBlob(in);
            MidEpoch mid = null;
            int trailer = in.read();
            if (trailer >= 0) {
                int magic = (trailer << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8)
                        | in.readUnsignedByte();
                if (magic != MID_EPOCH_MAGIC) throw new IOException(file + ": unknown data after the checkpoint");
                mid = new MidEpoch(in.readInt(), in.readDouble(), in.readLong(), in.readLong(), in.readLong(),
                        in.readDouble(), in.readDouble());
            }
            return new Checkpoint(phaseIndex, epochInPhase, epoch, step, bestTop1, bestEpoch, sha, params, opt,
                    method, mid);
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
