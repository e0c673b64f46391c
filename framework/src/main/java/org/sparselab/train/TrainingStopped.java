package org.sparselab.train;

/**
 * Training stopped on a {@link StopRequest} after writing a checkpoint at a step boundary (or without one when the
 * run keeps no checkpoints). The run is interrupted, not failed: resume continues it.
 */
public final class TrainingStopped extends RuntimeException {
    private final String reason;
    private final String phase;
    private final int epoch;
    private final long step;
    private final boolean checkpointed;

    public TrainingStopped(String reason, String phase, int epoch, long step, boolean checkpointed) {
        super("stopped (" + reason + ") in phase " + phase + ", epoch " + epoch + ", after step " + step
                + (checkpointed ? "; checkpoint written" : "; no checkpoint (output.checkpoint is false)"));
        this.reason = reason;
        this.phase = phase;
        this.epoch = epoch;
        this.step = step;
        this.checkpointed = checkpointed;
    }

    public String reason() {
        return reason;
    }

    public String phase() {
        return phase;
    }

    public int epoch() {
        return epoch;
    }

    /** Optimizer steps done in the whole run when it stopped. */
    public long step() {
        return step;
    }

    public boolean checkpointed() {
        return checkpointed;
    }
}
