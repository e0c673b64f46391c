package org.sparselab.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Blocks;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;

class ModelRegistryTest {
    @Test
    void unknownNameIsAConfigErrorWithASuggestion() {
        var ctx = ModelContext.dense(3, 32, 10);
        var e = assertThrows(ConfigException.class, () -> Models.defaults().create("resnt20", ctx));
        assertEquals("model.arch", e.keyPath());
        assertTrue(e.getMessage().startsWith("model.arch: unknown model 'resnt20' (did you mean resnet20?); known: "
                + "resnet20, resnet32, "), e.getMessage());
    }

    @Test
    void farOffNameGetsNoSuggestion() {
        var r = new ModelRegistry();
        r.register("a1", 1.0, ctx -> Blocks.identityBlock());
        var e = assertThrows(ConfigException.class, () -> r.publishedParamsM("transformer"));
        assertEquals("model.arch: unknown model 'transformer'; known: a1", e.getMessage());
    }

    @Test
    void duplicateNameIsRejected() {
        var r = new ModelRegistry();
        r.register("m", 1.0, ctx -> Blocks.identityBlock());
        assertThrows(IllegalArgumentException.class, () -> r.register("m", 2.0, ctx -> Blocks.identityBlock()));
        assertThrows(IllegalArgumentException.class, () -> r.register("Bad-Name", 2.0, ctx -> Blocks.identityBlock()));
    }

    @Test
    void defaultsListEveryFamilyOnce() {
        List<String> names = Models.defaults().names();
        assertEquals(37, names.size());
        assertEquals(names.size(), names.stream().distinct().count());
        for (String n : List.of("resnet20", "resnet110", "resnet18", "resnet50", "vgg16_bn", "mobilenet_v2",
                "shufflenet_v1_g3_x1_0", "shufflenet_v1_g8_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x2_0")) {
            assertTrue(names.contains(n), n);
        }
        names.forEach(n -> assertTrue(n.matches("[a-z0-9_]+"), n));
        assertEquals(0.27, Models.defaults().publishedParamsM("resnet20"));
        assertTrue(Double.isNaN(Models.defaults().publishedParamsM("shufflenet_v1_g2_x0_5")));
    }
}
