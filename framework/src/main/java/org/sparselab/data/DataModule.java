package org.sparselab.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.sparselab.config.Seeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dataset opened for one run: its files resolved, loaded and verified, split into train / eval / test index lists,
 * and served as batches of normalised host floats.
 *
 * <p>Determinism: the validation split comes from {@code Seeds.derive(seed, "data.val_split")}, subsets from
 * {@code "data.subset.*"}, the epoch's order from {@code Seeds.derive(seed, "data.shuffle", epoch)} and each
 * sample's augmentation from {@code Seeds.derive(seed, "data.augment", epoch, sampleIndex)}; so the same seed gives
 * the same batches for any number of {@code workers}, and any epoch can be re-created on resume.
 *
 * <p>Training batches keep the last, partial batch (every image is seen once per epoch); a trainer that needs full
 * batches (e.g. for batch-norm with tiny remainders) drops it itself.
 */
public final class DataModule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataModule.class);

    private final DataConfig cfg;
    private final long seed;
    private final int channels;
    private final int imageSize;
    private final int numClasses;
    private final SampleSource trainSource;
    private final SampleSource testSource;
    private final boolean evalFromTrain;
    private final boolean augments;
    private final int[] trainIdx;
    private final int[] evalIdx;
    private final int[] testIdx;
    private final String digest;
    private final Set<BatchStream> open = ConcurrentHashMap.newKeySet();

    private DataModule(DataConfig cfg, long seed, int numClasses, SampleSource train, SampleSource test,
            boolean augments, MessageDigest identity) {
        this.cfg = cfg;
        this.seed = seed;
        this.channels = train.channels();
        this.imageSize = train.height();
        this.numClasses = numClasses;
        this.trainSource = train;
        this.testSource = test;
        this.augments = augments;
        int[] all = range(train.size());
        int[] val = new int[0];
        if (cfg.valSplit() > 0) {
            int nVal = (int) Math.round(cfg.valSplit() * all.length);
            if (nVal < 1 || nVal >= all.length) {
                throw new DataException(cfg.name() + ": val_split " + cfg.valSplit() + " of " + all.length
                        + " training images leaves " + nVal + " for validation; choose data.val_split so that both "
                        + "splits are non-empty");
            }
            int[] perm = shuffled(all, Seeds.derive(seed, "data.val_split"));
            val = sorted(Arrays.copyOfRange(perm, 0, nVal));
            all = sorted(Arrays.copyOfRange(perm, nVal, perm.length));
        }
        this.evalFromTrain = val.length > 0;
        boolean stratified = cfg.subset().equals(DataConfig.STRATIFIED);
        this.trainIdx = subset(all, cfg.maxTrainSamples(), seed, "data.subset.train", stratified ? train : null);
        this.evalIdx = evalFromTrain
                ? subset(val, cfg.maxEvalSamples(), seed, "data.subset.eval", stratified ? train : null)
                : subset(range(test.size()), cfg.maxEvalSamples(), seed, "data.subset.eval", stratified ? test : null);
        this.testIdx = subset(range(test.size()), cfg.maxEvalSamples(), seed, "data.subset.eval",
                stratified ? test : null);
        boolean seeded = cfg.valSplit() > 0 || cfg.maxTrainSamples() != null || cfg.maxEvalSamples() != null;
        identity.update(("val_split=" + cfg.valSplit() + "\nmax_train_samples=" + cfg.maxTrainSamples()
                + "\nmax_eval_samples=" + cfg.maxEvalSamples() + "\nseed=" + (seeded ? seed : "-") + "\n"
                + (stratified ? "subset=stratified\n" : "")) // random subsets keep the digests they had
                .getBytes(StandardCharsets.UTF_8));
        this.digest = Checksums.hex(identity.digest());
        log.info("{}: {} train, {} {} images, {}×{}×{}, {} classes", cfg.name(), trainIdx.length, evalIdx.length,
                evalSplit(), channels, imageSize, imageSize, numClasses);
    }

    /** Opens the dataset {@code cfg} names in the real environment ({@code $SPARSELAB_DATA}, working directory). */
    public static DataModule open(DataConfig cfg, long seed) {
        return open(cfg, seed, DataEnvironment.fromSystem());
    }

    /** Resolves, loads and verifies the dataset {@code cfg} names; {@code seed} is the run's root seed. */
    public static DataModule open(DataConfig cfg, long seed, DataEnvironment env) {
        Manifest m = Manifest.forName(cfg.name());
        MessageDigest id = Checksums.sha256();
        id.update(("sparselab.data/1\nname=" + cfg.name() + "\n").getBytes(StandardCharsets.UTF_8));
        DataConfig.Augment aug = cfg.augment();
        switch (m.format()) {
            case "idx", "cifar10", "cifar100" -> {
                DatasetResolver.Resolved r = new DatasetResolver(m, env).resolve(cfg.root(), cfg.download());
                new TreeMap<>(r.sha256())
                        .forEach((f, h) -> id.update((f + " " + h + "\n").getBytes(StandardCharsets.UTF_8)));
                ImageSet train;
                ImageSet test;
                List<Path> f = m.files().stream().map(r.files()::get).toList();
                if (m.format().equals("idx")) {
                    train = IdxReader.read(f.get(0), f.get(1), m.numClasses());
                    test = IdxReader.read(f.get(2), f.get(3), m.numClasses());
                } else {
                    boolean c100 = m.format().equals("cifar100");
                    train = CifarReader.read(f.subList(0, f.size() - 1), c100);
                    test = CifarReader.read(f.subList(f.size() - 1, f.size()), c100);
                }
                Normalizer norm = normalizer(cfg, m, train.channels());
                boolean augments = aug.randomCropPadding() > 0 || aug.horizontalFlip();
                return new DataModule(cfg, seed, m.numClasses(),
                        new InMemorySource(train, norm, aug.randomCropPadding(), aug.horizontalFlip()),
                        new InMemorySource(test, norm, 0, false), augments, id);
            }
            case "synthetic" -> {
                DataConfig.Synthetic s = cfg.synthetic();
                int size = cfg.imageSize() != null ? cfg.imageSize() : m.imageSize();
                int classes = cfg.numClasses() != null ? cfg.numClasses() : m.numClasses();
                id.update(("synthetic=" + s + " image_size=" + size + " num_classes=" + classes + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                ImageSet train = SyntheticData.generate(s, "train", s.trainSize(), size, classes);
                ImageSet test = SyntheticData.generate(s, "test", s.testSize(), size, classes);
                Normalizer norm = normalizer(cfg, m, s.channels());
                boolean augments = aug.randomCropPadding() > 0 || aug.horizontalFlip();
                return new DataModule(cfg, seed, classes,
                        new InMemorySource(train, norm, aug.randomCropPadding(), aug.horizontalFlip()),
                        new InMemorySource(test, norm, 0, false), augments, id);
            }
            case "imagefolder" -> {
                Path root = env.projectDir().resolve(cfg.root());
                ImageFolder folder = ImageFolder.scan(root);
                if (cfg.numClasses() != null && cfg.numClasses() != folder.classes().size()) {
                    throw new DataException(root.resolve("train") + ": " + folder.classes().size() + " class folders, "
                            + "expected data.num_classes = " + cfg.numClasses() + "; fix the folders or the key");
                }
                identify(id, root, folder.train());
                identify(id, root, folder.eval());
                int size = cfg.imageSize() != null ? cfg.imageSize() : m.imageSize();
                int resize = aug.resize() != null ? aug.resize() : (int) Math.round(size * 8.0 / 7.0); // 224 ← 256
                Normalizer norm = normalizer(cfg, m, 3);
                boolean augments = aug.randomResizedCrop() || aug.horizontalFlip();
                return new DataModule(cfg, seed, folder.classes().size(),
                        new FolderSource(folder.train(), norm, size, resize, aug.randomResizedCrop(),
                                aug.horizontalFlip()),
                        new FolderSource(folder.eval(), norm, size, resize, false, false), augments, id);
            }
            default -> throw new DataException("manifest datasets/" + m.name() + ".json: unknown format '" + m.format()
                    + "', expected idx, cifar10, cifar100, imagefolder or synthetic");
        }
    }

    public String name() { return cfg.name(); }

    public int channels() { return channels; }

    public int imageSize() { return imageSize; }

    public int numClasses() { return numClasses; }

    public int trainSize() { return trainIdx.length; }

    public int evalSize() { return evalIdx.length; }

    public int testSize() { return testIdx.length; }

    /** {@code "val"} when evaluation uses a split of the training set, else {@code "test"}. */
    public String evalSplit() { return evalFromTrain ? "val" : "test"; }

    /** SHA-256 identifying the exact files (folders: paths and sizes) plus the split and subset settings. */
    public String digest() { return digest; }

    /** The training images of {@code epoch} in a seeded order, augmented; the last batch may be smaller. */
    public BatchStream train(int epoch, int batchSize) {
        int[] order = shuffled(trainIdx, Seeds.derive(seed, "data.shuffle", epoch));
        IntFunction<SplittableRandom> rng =
                augments ? i -> new SplittableRandom(Seeds.derive(seed, "data.augment", epoch, i)) : null;
        return track(new PrefetchStream(trainSource, order, batchSize, rng, cfg.workers()));
    }

    /** The evaluation split (validation or test, see {@link #evalSplit()}) in a fixed order, not augmented. */
    public BatchStream eval(int batchSize) {
        return track(new PrefetchStream(evalFromTrain ? trainSource : testSource, evalIdx, batchSize, null,
                cfg.workers()));
    }

    /** The test set (a seeded subset under {@code max_eval_samples}) in a fixed order, not augmented. */
    public BatchStream test(int batchSize) {
        return track(new PrefetchStream(testSource, testIdx, batchSize, null, cfg.workers()));
    }

    int[] trainIndices() { return trainIdx.clone(); }

    int[] evalIndices() { return evalIdx.clone(); }

    /** Stops the threads of every stream still open. */
    @Override
    public void close() {
        for (BatchStream s : open) s.close();
        open.clear();
    }

    private BatchStream track(PrefetchStream s) {
        open.removeIf(x -> !x.hasNext());
        open.add(s);
        return s;
    }

    private static Normalizer normalizer(DataConfig cfg, Manifest m, int channels) {
        if (!cfg.normalize()) return Normalizer.unitRange(channels);
        return Normalizer.of(channels, cfg.mean() != null ? cfg.mean() : m.mean(),
                cfg.std() != null ? cfg.std() : m.std());
    }

    /** Folders are too large to hash (ImageNet: 150 GB), so their identity is the sorted list of paths and sizes. */
    private static void identify(MessageDigest id, Path root, List<ImageFolder.Entry> entries) {
        for (ImageFolder.Entry e : entries) {
            long size;
            try {
                size = Files.size(e.file());
            } catch (java.io.IOException ex) {
                throw new DataException("cannot read " + e.file() + ": " + ex.getMessage(), ex);
            }
            String line = root.relativize(e.file()) + " " + size + " " + e.label() + "\n";
            id.update(line.getBytes(StandardCharsets.UTF_8));
        }
    }

    static int[] range(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /** A Fisher–Yates shuffle of a copy. */
    static int[] shuffled(int[] a, long seed) {
        int[] out = a.clone();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = out.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    private static int[] sorted(int[] a) {
        Arrays.sort(a);
        return a;
    }

    /**
     * {@code max} of the indices {@code a} in index order: the first {@code max} of a seeded shuffle, or with
     * {@code labels} (stratified) the first of each class in that shuffle up to the class's quota ({@link #quotas}).
     */
    private static int[] subset(int[] a, Integer max, long seed, String consumer, SampleSource labels) {
        if (max == null || max >= a.length) return a;
        int[] order = shuffled(a, Seeds.derive(seed, consumer));
        if (labels == null) return sorted(Arrays.copyOf(order, max));
        int classes = 0;
        for (int i : a) classes = Math.max(classes, labels.label(i) + 1);
        int[] available = new int[classes];
        for (int i : a) available[labels.label(i)]++;
        int[] quota = quotas(available, max);
        int[] out = new int[max];
        int n = 0;
        for (int i : order) {
            int c = labels.label(i);
            if (quota[c] > 0) {
                quota[c]--;
                out[n++] = i;
            }
        }
        return sorted(out);
    }

    /**
     * How many of {@code total} images each class gets: equal shares (the first {@code total mod k} classes one more),
     * and a class with fewer images than its share gives the rest to the others, round by round (water-filling).
     */
    static int[] quotas(int[] available, int total) {
        int[] quota = new int[available.length];
        int left = total;
        List<Integer> open = new java.util.ArrayList<>();
        for (int c = 0; c < available.length; c++) if (available[c] > 0) open.add(c);
        while (left > 0 && !open.isEmpty()) {
            int k = open.size();
            int each = left / k;
            int extra = left % k;
            for (int idx = 0; idx < k; idx++) {
                int c = open.get(idx);
                int give = Math.min(each + (idx < extra ? 1 : 0), available[c] - quota[c]);
                quota[c] += give;
                left -= give;
            }
            open.removeIf(c -> quota[c] == available[c]);
        }
        return quota;
    }
}
