package org.sparselab.nn;

/**
 * One channel shuffle in a model: {@code channels} split into {@code groups} groups, interleaved (Zhang et al.,
 * ShuffleNet, 2018, §3.1). A {@link ShuffleFactory} decides how it is realised (fixed, dynamic, …).
 */
public record ShuffleSpec(String path, int channels, int groups) {
    public ShuffleSpec {
        if (channels <= 0 || groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException(
                    "shuffle " + path + ": groups " + groups + " must divide channels " + channels);
        }
    }
}
