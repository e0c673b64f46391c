package org.sparselab.methods.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;
import org.sparselab.nn.LayerKind;

class LayerSelectionTest {
    private static final List<LayerKind> SUPPORTED = List.of(LayerKind.BLOCK, LayerKind.POINTWISE, LayerKind.SHORTCUT);

    @Test
    void namesAreTheSharedVocabularyInOneOrder() {
        var s = LayerSelection.parse("layers", List.of("shortcut", "block"), SUPPORTED);
        assertTrue(s.selects(LayerKind.BLOCK) && s.selects(LayerKind.SHORTCUT) && !s.selects(LayerKind.POINTWISE));
        assertEquals(List.of("block", "shortcut"), s.names());
    }

    @Test
    void aKindTheMethodCannotConvertIsNamedWithWhatItCan() {
        var e = assertThrows(ConfigException.class,
                () -> LayerSelection.parse("layers", List.of("block", "classifier"), SUPPORTED));
        assertTrue(e.getMessage().contains("layers[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("[block, pointwise, shortcut]"), e.getMessage());
        assertThrows(ConfigException.class, () -> LayerSelection.parse("layers", List.of(), SUPPORTED));
        assertThrows(ConfigException.class, () -> LayerSelection.parse("layers", List.of("convs"), SUPPORTED));
    }
}
