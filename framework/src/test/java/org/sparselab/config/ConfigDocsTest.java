package org.sparselab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparselab.config.TestConfigs.ExpCfg;

class ConfigDocsTest {
    private final String md = ConfigDocs.markdown(ExpCfg.class, TestConfigs.TYPES);

    private void assertRow(String row) {
        assertTrue(md.contains("\n" + row + "\n"), () -> "missing row " + row + " in\n" + md);
    }

    @Test
    void everyKeyHasTypeDefaultAndDoc() {
        assertRow("| `name` | string | `exp` | Run name. |");
        assertRow("| `data` | section | (all keys have defaults) |  |");
        assertRow("| `data.augment` | boolean | `true` |  |");
        assertRow("| `train` | section | required |  |");
        assertRow("| `train.epochs` | integer | required | Epochs to train. |");
        assertRow("| `train.batch_size` | integer | `128` | Images per batch. |");
        assertRow("| `train.milestones` | list of integers | `[]` |  |");
        assertRow("| `train.schedule` | one of {step, cosine, one_cycle} | `cosine` |  |");
        assertRow("| `train.phases[].epochs` | integer | required | Epochs in this phase. |");
        assertRow("| `train.optimizer` | section | (all keys have defaults) | Optimizer settings. |");
        assertRow("| `train.warmup` | integer or null | `null` | Warm-up epochs \\| unset. |");
        assertRow("| `train.loss_weights` | map of string to number | `{}` |  |");
        assertRow("| `method` | variant by `name` | `{name: none}` | The compression method. |");
    }

    @Test
    void eachVariantHasItsOwnSubsection() {
        int none = md.indexOf("### `method` when `name: none`\n");
        int strucspars = md.indexOf("### `method` when `name: strucspars`\n");
        assertTrue(none > 0 && strucspars > none, md);
        assertTrue(md.indexOf("| `method.tau` | number | `0.5` | Temperature. |") > strucspars, md);
        assertEquals(-1, md.substring(none, strucspars).indexOf("method.tau"));
    }

    @Test
    void outputIsDeterministic() {
        assertEquals(md, ConfigDocs.markdown(ExpCfg.class, TestConfigs.TYPES));
        assertTrue(md.startsWith("# Configuration reference\n\n"));
        assertTrue(md.endsWith("|\n") && !md.endsWith("\n\n"));
    }

    @Test
    void typeNamesAreHuman() {
        record Shapes(List<List<String>> nested, Map<String, Boolean> flags, Double maybe) {}
        var c = Shapes.class.getRecordComponents();
        assertEquals("list of lists of strings", ConfigDocs.typeName(c[0].getGenericType(), false));
        assertEquals("map of string to boolean", ConfigDocs.typeName(c[1].getGenericType(), false));
        assertEquals("number or null", ConfigDocs.typeName(c[2].getGenericType(), false));
    }
}
