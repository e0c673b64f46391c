package org.sparselab.cli;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.sparselab.train.EpochMetrics;
import org.sparselab.train.TrainingProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A progress bar per pass with ETA, loss and accuracy on a terminal; one log line per pass otherwise. */
final class Progress implements TrainingProgress {
    private static final Logger LOG = LoggerFactory.getLogger("sparselab");
    private final boolean bar;
    private ProgressBar current;

    private Progress(boolean bar) {
        this.bar = bar;
    }

    static TrainingProgress create(boolean disabled) {
        return new Progress(!disabled && System.console() != null);
    }

    @Override
    public void passStarted(String phase, int epoch, String split, int batches) {
        if (!bar) return;
        current = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "%s e%d %-5s", phase, epoch, split))
                .setInitialMax(batches).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                .continuousUpdate().build();
    }

    @Override
    public void batchDone(double meanLoss, double top1) {
        if (current == null) return;
        current.step();
        current.setExtraMessage(String.format(Locale.ROOT, "loss %.4f top1 %.2f%%", meanLoss, 100 * top1));
    }

    @Override
    public void passFinished(EpochMetrics m) {
        if (current != null) {
            current.close();
            current = null;
        }
        LOG.info(String.format(Locale.ROOT, "epoch %d %-9s %-5s loss %.4f  top1 %6.2f%%  top5 %6.2f%%  lr %.5f  %.1fs",
                m.epoch(), m.phase(), m.split(), m.loss(), 100 * m.top1(), 100 * m.top5(), m.lr(), m.seconds()));
    }
}
