package org.sparselab.data;

import java.util.Iterator;

/**
 * One pass over a split as batches; closing it stops its background threads. Assembly errors (e.g. an
 * undecodable image) surface from {@link #next()} as {@link DataException}.
 */
public interface BatchStream extends Iterator<HostBatch>, AutoCloseable {
    /** Batches in this pass, the last one possibly smaller. */
    int numBatches();

    @Override
    void close();
}
