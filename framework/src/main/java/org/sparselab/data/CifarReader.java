package org.sparselab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the binary versions of CIFAR-10 and CIFAR-100 (Krizhevsky, 2009). A CIFAR-10 record is one label byte and
 * 3072 pixel bytes (1024 red, 1024 green, 1024 blue, rows top to bottom: already C×H×W); a CIFAR-100 record has a
 * coarse and a fine label byte before the pixels, and the fine label (100 classes) is used.
 */
final class CifarReader {
    static final int PIXELS = 3 * 32 * 32;

    private CifarReader() {}

    /** Reads and concatenates the given batch files. */
    static ImageSet read(List<Path> files, boolean cifar100) {
        int labelBytes = cifar100 ? 2 : 1;
        int numClasses = cifar100 ? 100 : 10;
        int record = labelBytes + PIXELS;
        List<byte[]> contents = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            byte[] data;
            try {
                data = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new DataException("cannot read " + f + ": " + e.getMessage() + "; check that it exists and is "
                        + "readable", e);
            }
            if (data.length == 0 || data.length % record != 0) {
                throw new DataException(f + ": " + data.length + " bytes, expected a positive multiple of " + record
                        + " (" + (cifar100 ? "CIFAR-100" : "CIFAR-10") + " binary records); the file is truncated or "
                        + "not the binary version: delete it and download it again");
            }
            contents.add(data);
            total += data.length / record;
        }
        int n = Math.toIntExact(total);
        byte[] pixels = new byte[n * PIXELS];
        int[] labels = new int[n];
        int i = 0;
        for (int fi = 0; fi < files.size(); fi++) {
            byte[] data = contents.get(fi);
            for (int off = 0; off < data.length; off += record, i++) {
                int label = data[off + labelBytes - 1] & 0xff; // the fine label is the second byte in CIFAR-100
                if (label >= numClasses) {
                    throw new DataException(files.get(fi) + ": label " + label + " in record " + (off / record)
                            + ", expected 0.." + (numClasses - 1) + "; the file is corrupt or from the other CIFAR: "
                            + "delete it and download it again");
                }
                labels[i] = label;
                System.arraycopy(data, off + labelBytes, pixels, i * PIXELS, PIXELS);
            }
        }
        return new ImageSet(pixels, labels, 3, 32, 32);
    }
}
