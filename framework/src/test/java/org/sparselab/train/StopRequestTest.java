package org.sparselab.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A stopper waits while any training loop listens, also when loops nest or run side by side. */
class StopRequestTest {
    @Test
    void listeningLastsUntilTheLastLoopStops() {
        assertFalse(StopRequest.listening());
        StopRequest.listening(true); // an outer loop
        StopRequest.listening(true); // a loop run from its callback (bench train) or a second sweep worker
        StopRequest.listening(false);
        assertTrue(StopRequest.listening(), "the outer loop still checks for requests");
        StopRequest.listening(false);
        assertFalse(StopRequest.listening());
    }
}
