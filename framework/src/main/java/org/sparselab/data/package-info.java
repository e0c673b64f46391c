/**
 * Datasets as batches of normalised host floats: {@link org.sparselab.data.DataModule} opens the dataset a
 * {@link org.sparselab.data.DataConfig} names, after {@link org.sparselab.data.DatasetResolver} has found (or
 * downloaded and verified) its files as described by its manifest {@code datasets/<name>.json}. Readers cover IDX
 * (MNIST, Fashion-MNIST), CIFAR-10/100 binary, image folders (ImageNet, Tiny ImageNet) and a generated synthetic set;
 * a corrupt or missing file is one {@link org.sparselab.data.DataException} naming the file and what to do. Batches
 * are a pure function of the seed, the epoch and the batch index, whatever the number of worker threads.
 */
package org.sparselab.data;
