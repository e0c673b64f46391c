package org.sparselab.experiments;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.sparselab.data.BatchStream;
import org.sparselab.data.DataModule;
import org.sparselab.data.HostBatch;
import org.sparselab.methods.InitData;

/**
 * The training set as a method's pre-training criterion sees it: the pass the data module would give at "epoch −1"
 * (its own seeded order and augmentation, never one of the training epochs'), so the batches are reproducible and
 * the epochs' data order does not depend on whether a method looked at data first.
 */
final class TrainingInitData implements InitData {
    /** The epoch index whose shuffle and augmentation seeds the init pass uses; training epochs are ≥ 0. */
    static final int INIT_EPOCH = -1;

    private final DataModule data;
    private final Device device;

    TrainingInitData(DataModule data, Device device) {
        this.data = data;
        this.device = device;
    }

    @Override
    public NDList batch(int index, int size, NDManager manager) {
        try (BatchStream s = data.train(INIT_EPOCH, size)) {
            for (int i = 0; s.hasNext(); i++) {
                HostBatch b = s.next();
                if (i == index) return toDevice(b.images(), b.labels(), b.size(), b, manager);
            }
        }
        throw new IllegalArgumentException("init batch " + index + " of size " + size + " is past the training set ("
                + data.trainSize() + " images)");
    }

    @Override
    public NDList balancedBatch(int perClass, NDManager manager) {
        int k = data.numClasses();
        int[] taken = new int[k];
        List<float[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        HostBatch shape = null;
        try (BatchStream s = data.train(INIT_EPOCH, 256)) {
            while (s.hasNext() && images.size() < perClass * k) {
                HostBatch b = s.next();
                shape = b;
                int sample = b.channels() * b.height() * b.width();
                for (int i = 0; i < b.size(); i++) {
                    int y = b.labels()[i];
                    if (taken[y] >= perClass) continue;
                    taken[y]++;
                    float[] img = new float[sample];
                    System.arraycopy(b.images(), i * sample, img, 0, sample);
                    images.add(img);
                    labels.add(y);
                }
            }
        }
        if (shape == null || images.isEmpty()) throw new IllegalStateException("the training set is empty");
        int sample = images.get(0).length;
        float[] all = new float[images.size() * sample];
        int[] ys = new int[labels.size()];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, all, i * sample, sample);
            ys[i] = labels.get(i);
        }
        return toDevice(all, ys, ys.length, shape, manager);
    }

    @Override
    public int numClasses() {
        return data.numClasses();
    }

    private NDList toDevice(float[] images, int[] labels, int n, HostBatch like, NDManager manager) {
        NDArray x = manager.create(FloatBuffer.wrap(images, 0, n * like.channels() * like.height() * like.width()),
                new Shape(n, like.channels(), like.height(), like.width()));
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = labels[i];
        return new NDList(x.toDevice(device, false), manager.create(y).toDevice(device, false));
    }
}
