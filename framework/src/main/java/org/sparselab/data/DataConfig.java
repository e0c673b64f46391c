package org.sparselab.data;

import java.util.List;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/**
 * Which dataset a run trains and evaluates on, where its files live and how batches are assembled.
 *
 * <p>Per-dataset facts (image shape, classes, mean/std, download URLs) come from the dataset's manifest
 * ({@code datasets/<name>.json}); keys here only override them.
 */
@Doc("The dataset, its location, batching, splitting and augmentation.")
public record DataConfig(
        @Doc("Dataset: fashion_mnist, mnist, cifar10, cifar100, imagefolder or synthetic.") String name,
        @Doc("Directory holding the dataset's files; unset = $SPARSELAB_DATA/<name>, datasets/<name>, system paths.")
                @Default("null") String root,
        @Doc("Training images per batch.") @Default("128") int batchSize,
        @Doc("Evaluation images per batch.") @Default("256") int evalBatchSize,
        @Doc("Fraction of the training set held out (seeded) as the evaluation split; 0 = evaluate on test.")
                @Default("0") double valSplit,
        @Doc("Use a seeded subset of this many training images (quick runs); unset = all.")
                @Default("null") Integer maxTrainSamples,
        @Doc("Use a seeded subset of this many evaluation/test images (quick runs); unset = all.")
                @Default("null") Integer maxEvalSamples,
        @Doc("How max_train_samples / max_eval_samples subsets are drawn: random (a seeded sample of all images) or "
                + "stratified (seeded, equal counts per class, as the reproduction specs ask: 15,000 = 1,500 per "
                + "class).")
                @Default("random") String subset,
        @Doc("Training-time augmentation.") @Default("{}") Augment augment,
        @Doc("Normalise pixels as (x/255 - mean) / std.") @Default("true") boolean normalize,
        @Doc("Per-channel means for normalisation; unset = the dataset's manifest values.") @Default("null")
                List<Double> mean,
        @Doc("Per-channel standard deviations; unset = the dataset's manifest values.") @Default("null")
                List<Double> std,
        @Doc("Output height = width for imagefolder (the crop) and synthetic; unset = manifest value.")
                @Default("null") Integer imageSize,
        @Doc("Classes for imagefolder (unset = detected from folders) and synthetic (unset = 10).")
                @Default("null") Integer numClasses,
        @Doc("Generated dataset options, used when name is synthetic.") @Default("{}") Synthetic synthetic,
        @Doc("Download missing files from the manifest URLs (SHA-256/MD5 verified); if that fails, install the "
                + "manifest's Debian package when running as root with apt-get.") @Default("true")
                boolean download,
        @Doc("Background threads assembling batches; 0 = assemble on the caller's thread.") @Default("1")
                int workers) {

    /** The registry names accepted for {@code name}. */
    public static final List<String> NAMES =
            List.of("fashion_mnist", "mnist", "cifar10", "cifar100", "imagefolder", "synthetic");

    /** The values of {@code subset}. */
    public static final String RANDOM = "random";
    public static final String STRATIFIED = "stratified";

    public DataConfig {
        Check.notBlank("name", name);
        Check.oneOf("name", name, NAMES);
        if (root != null) Check.notBlank("root", root);
        Check.positive("batch_size", batchSize);
        Check.positive("eval_batch_size", evalBatchSize);
        Check.inHalfOpen("val_split", valSplit, 0, 1);
        if (maxTrainSamples != null) Check.positive("max_train_samples", maxTrainSamples);
        if (maxEvalSamples != null) Check.positive("max_eval_samples", maxEvalSamples);
        if (subset == null) subset = RANDOM;
        Check.oneOf("subset", subset, List.of(RANDOM, STRATIFIED));
        if (augment == null) augment = Augment.NONE;
        if (synthetic == null) synthetic = Synthetic.DEFAULT;
        mean = checkStats("mean", mean, false);
        std = checkStats("std", std, true);
        if (mean != null && std != null && mean.size() != std.size()) {
            throw ConfigException.expected("std", "as many values as mean (" + mean.size() + ")", std.size());
        }
        if (imageSize != null) Check.positive("image_size", imageSize);
        if (numClasses != null) {
            if (numClasses < 2) throw ConfigException.expected("num_classes", "an integer >= 2", numClasses);
        }
        checkShape(name, mean, std, imageSize, numClasses, synthetic);
        if (name.equals("imagefolder") && root == null) {
            throw new ConfigException("root", "imagefolder needs data.root: a directory with train/<class>/ and "
                    + "val/<class>/ (or Tiny ImageNet's val/images + val_annotations.txt)");
        }
        Check.nonNegative("workers", workers);
    }

    /**
     * The shape of the images and labels this config will load, known without the data: channels and image size
     * from the manifest (or the keys that set them), classes likewise (null for an image folder that detects them).
     */
    public Shape expectedShape() {
        Manifest m = Manifest.forName(name);
        int channels = name.equals("synthetic") ? synthetic.channels() : m.channels();
        return new Shape(channels, imageSize != null ? imageSize : m.imageSize(),
                numClasses != null ? numClasses : m.numClasses());
    }

    /** Image channels, height = width, and classes (null when only the data can tell). */
    public record Shape(int channels, int imageSize, Integer numClasses) {}

    /** Every key but {@code subset} (random), as before that key existed; for tests and tools. */
    public DataConfig(String name, String root, int batchSize, int evalBatchSize, double valSplit,
            Integer maxTrainSamples, Integer maxEvalSamples, Augment augment, boolean normalize, List<Double> mean,
            List<Double> std, Integer imageSize, Integer numClasses, Synthetic synthetic, boolean download,
            int workers) {
        this(name, root, batchSize, evalBatchSize, valSplit, maxTrainSamples, maxEvalSamples, RANDOM, augment,
                normalize, mean, std, imageSize, numClasses, synthetic, download, workers);
    }

    /** A config with every optional key at its default, for tests and tools. */
    public static DataConfig of(String name) {
        return new DataConfig(name, null, 128, 256, 0, null, null, Augment.NONE, true, null, null, null, null,
                Synthetic.DEFAULT, true, 1);
    }

    /**
     * Values that must match the dataset's shape: one normalisation statistic per channel (or one for all), and no
     * image size or class count for a dataset whose files fix them (those keys would be ignored).
     */
    private static void checkShape(String name, List<Double> mean, List<Double> std, Integer imageSize,
            Integer numClasses, Synthetic synthetic) {
        Manifest m = Manifest.forName(name);
        int channels = name.equals("synthetic") ? synthetic.channels() : m.channels();
        for (String key : List.of("mean", "std")) {
            List<Double> v = key.equals("mean") ? mean : std;
            if (v == null || v.size() == 1 || v.size() == channels) continue;
            String expected = channels == 1 ? "1 value (" + name + " images have 1 channel)"
                    : "1 value or " + channels + " (one per channel of " + name + ")";
            throw new ConfigException(key, "expected " + expected + ", found " + v.size() + " values " + v);
        }
        boolean fixedShape = !name.equals("synthetic") && !name.equals("imagefolder");
        if (fixedShape && imageSize != null && imageSize != m.imageSize()) {
            throw new ConfigException("image_size", name + " images are " + m.imageSize() + "×" + m.imageSize()
                    + ", found " + imageSize + "; remove the key (it sets the size of imagefolder and synthetic data)");
        }
        if (fixedShape && numClasses != null && m.numClasses() != null && !numClasses.equals(m.numClasses())) {
            throw new ConfigException("num_classes", name + " has " + m.numClasses() + " classes, found " + numClasses
                    + "; remove the key (it sets the classes of imagefolder and synthetic data)");
        }
    }

    /** This config with {@code subset} set. */
    public DataConfig withSubset(String mode) {
        return new DataConfig(name, root, batchSize, evalBatchSize, valSplit, maxTrainSamples, maxEvalSamples, mode,
                augment, normalize, mean, std, imageSize, numClasses, synthetic, download, workers);
    }

    private static List<Double> checkStats(String key, List<Double> values, boolean positive) {
        if (values == null) return null;
        if (values.isEmpty() || values.size() > 4) {
            throw ConfigException.expected(key, "1 to 4 values (one per channel)", values);
        }
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            if (v == null || !Double.isFinite(v) || (positive && v <= 0)) {
                throw ConfigException.expected(key + "[" + i + "]", positive ? "a positive number" : "a number", v);
            }
        }
        return List.copyOf(values);
    }

    /** Training-time augmentation; evaluation batches are never augmented. */
    @Doc("Training-time augmentation; evaluation batches are never augmented.")
    public record Augment(
            @Doc("Zero-pad each side by this many pixels, then randomly crop back to the original size.")
                    @Default("0") int randomCropPadding,
            @Doc("Flip left-right with probability 0.5.") @Default("false") boolean horizontalFlip,
            @Doc("imagefolder: random-resized-crop (scale 0.08-1, ratio 3/4-4/3) instead of resize + center crop.")
                    @Default("false") boolean randomResizedCrop,
            @Doc("imagefolder: resize the shorter side to this before the center crop; unset = image_size * 8/7.")
                    @Default("null") Integer resize) {

        public static final Augment NONE = new Augment(0, false, false, null);

        public Augment {
            Check.nonNegative("random_crop_padding", randomCropPadding);
            if (resize != null) Check.positive("resize", resize);
        }
    }

    /** A generated, learnable dataset: class-dependent smooth patterns plus noise, fixed by its own seed. */
    @Doc("A generated dataset: class-dependent smooth patterns plus Gaussian noise, fixed by its own seed.")
    public record Synthetic(
            @Doc("Training images.") @Default("1024") int trainSize,
            @Doc("Test images.") @Default("256") int testSize,
            @Doc("Image channels.") @Default("3") int channels,
            @Doc("Noise standard deviation relative to the 0-255 range.") @Default("0.25") double noise,
            @Doc("Seed of the generated data (independent of the run seed, so runs share one dataset).")
                    @Default("0") long seed) {

        public static final Synthetic DEFAULT = new Synthetic(1024, 256, 3, 0.25, 0);

        public Synthetic {
            Check.positive("train_size", trainSize);
            Check.positive("test_size", testSize);
            Check.inClosed("channels", channels, 1, 4);
            Check.nonNegative("noise", noise);
        }
    }
}
