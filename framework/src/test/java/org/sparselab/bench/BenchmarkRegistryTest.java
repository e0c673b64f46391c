package org.sparselab.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;
import org.sparselab.methods.Methods;

class BenchmarkRegistryTest {
    private static final Benchmark ECHO = ctx -> {
        ctx.out().print("model " + ctx.options().model());
        return new BenchResult("echo", Map.of("targets", ctx.options().doubles("targets", "0.3,0.5")));
    };

    @Test
    void namesAreListedInRegistrationOrderAndDuplicatesRefused() {
        BenchmarkRegistry r = new BenchmarkRegistry();
        r.register("zeta", "last letter", ECHO);
        r.register("alpha", "first letter", Map.of("targets", "fractions"), ECHO);
        assertEquals(List.of("zeta", "alpha"), r.names());
        assertThrows(IllegalArgumentException.class, () -> r.register("alpha", "again", ECHO));
        assertThrows(IllegalArgumentException.class, () -> r.register("Alpha-2", "bad name", ECHO));
    }

    @Test
    void unknownNamesAndParamsAreBadInputNamingTheKnownOnes() {
        BenchmarkRegistry r = new BenchmarkRegistry();
        r.register("strucspars", "deployment", Map.of("targets", "fractions"), ECHO);
        r.register("train", "trainer", ECHO);
        var e = assertThrows(ConfigException.class, () -> r.get("strucpars", Map.of()));
        assertEquals("bench: unknown benchmark 'strucpars' (did you mean strucspars?); expected one of strucspars, "
                + "train", e.getMessage());
        var p = assertThrows(ConfigException.class, () -> r.get("train", Map.of("targets", "0.5")));
        assertEquals("--param: bench train has no parameter 'targets'; it takes none", p.getMessage());
        assertEquals("strucspars", r.get("strucspars", Map.of("targets", "0.5")).name());
    }

    @Test
    void aBenchmarkReadsTheSharedOptionsAndItsParams() throws Exception {
        BenchmarkRegistry r = new BenchmarkRegistry();
        r.register("echo", "echo", Map.of("targets", "fractions"), ECHO);
        BenchOptions o = new BenchOptions(Path.of("c.yaml"), List.of(), "resnet20", 32, 10, new int[] {1}, 9, 4,
                100, false, Map.of("targets", "0.25, 0.75"));
        StringWriter text = new StringWriter();
        BenchResult res = r.get("echo", o.params()).benchmark().run(new BenchContext(new PrintWriter(text, true), o));
        assertEquals("model resnet20", text.toString());
        assertEquals("echo", res.file());
        assertArrayEquals(new double[] {0.25, 0.75}, (double[]) res.fields().get("targets"));
        assertEquals(3, o.warmup());
        var bad = new BenchOptions(Path.of("c.yaml"), List.of(), null, 32, 10, new int[] {1, 0}, 9, 4, 100, false,
                Map.of());
        assertThrows(ConfigException.class, bad::checkShapes);
    }

    @Test
    void everyMethodBenchmarkIsRegisteredOnceUnderItsOwnName() {
        BenchmarkRegistry r = new BenchmarkRegistry();
        Methods.registerBenchmarks(r);
        assertEquals(List.of("assignment", "strucspars", "dynshuffle", "ssc"), r.names());
    }
}
