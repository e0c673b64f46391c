package org.sparselab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodStateTest {
    record Layer(String path, int[] order) {}

    record State(boolean masked, double threshold, List<Layer> layers) {}

    @Test
    void roundTripsARecordIncludingNaN() throws IOException {
        var s = MethodState.of("demo", 3, new State(true, Double.NaN, List.of(new Layer("a.b", new int[] {2, 0, 1}))));
        State back = MethodState.fromBytes(s.toBytes()).read("demo", 3, State.class);
        assertEquals(true, back.masked());
        assertEquals(Double.NaN, back.threshold());
        assertEquals("a.b", back.layers().get(0).path());
        assertArrayEquals(new int[] {2, 0, 1}, back.layers().get(0).order());
    }

    @Test
    void anotherMethodsOrAnotherVersionsStateIsRefusedByName() throws IOException {
        byte[] bytes = MethodState.of("strucspars", 1, new State(false, 0, List.of())).toBytes();
        var kind = assertThrows(IOException.class, () -> MethodState.fromBytes(bytes).read("ssc", 1, State.class));
        assertEquals("the checkpoint holds the state of method strucspars, not of ssc; resume needs the run's own "
                + "config", kind.getMessage());
        var version = assertThrows(IOException.class,
                () -> MethodState.fromBytes(bytes).read("strucspars", 2, State.class));
        assertEquals("strucspars state version 1 in the checkpoint; this build reads version 2 (resume with the "
                + "build that wrote it, or start the run again)", version.getMessage());
    }

    @Test
    void emptyBytesAreNoState() throws IOException {
        assertEquals(MethodState.NONE, MethodState.fromBytes(new byte[0]));
    }
}
