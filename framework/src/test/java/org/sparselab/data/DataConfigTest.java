package org.sparselab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;

class DataConfigTest {
    private static DataConfig with(String name, int batch, double val, List<Double> mean, List<Double> std,
            String root) {
        return new DataConfig(name, root, batch, 256, val, null, null, null, true, mean, std, null, null, null, true,
                1);
    }

    @Test
    void defaultsAreFilledIn() {
        DataConfig c = DataConfig.of("cifar10");
        assertEquals(128, c.batchSize());
        assertEquals(DataConfig.Augment.NONE, with("mnist", 1, 0, null, null, null).augment());
        assertEquals(DataConfig.Synthetic.DEFAULT, with("mnist", 1, 0, null, null, null).synthetic());
    }

    @Test
    void badValuesNameTheirKey() {
        assertEquals("batch_size: expected a positive integer, found 0",
                assertThrows(ConfigException.class, () -> with("mnist", 0, 0, null, null, null)).getMessage());
        assertEquals("val_split: expected a number in [0.0, 1.0), found 1.0",
                assertThrows(ConfigException.class, () -> with("mnist", 1, 1.0, null, null, null)).getMessage());
        assertEquals("name: expected one of [fashion_mnist, mnist, cifar10, cifar100, imagefolder, synthetic], found "
                        + "'cifar1O' (did you mean cifar10?)",
                assertThrows(ConfigException.class, () -> with("cifar1O", 1, 0, null, null, null)).getMessage());
        assertEquals("std[1]: expected a positive number, found 0.0",
                assertThrows(ConfigException.class,
                        () -> with("cifar10", 1, 0, List.of(0.5, 0.5), List.of(0.2, 0.0), null)).getMessage());
        assertEquals("std: expected as many values as mean (2), found 1",
                assertThrows(ConfigException.class,
                        () -> with("cifar10", 1, 0, List.of(0.5, 0.5), List.of(0.2), null)).getMessage());
        assertEquals("root", assertThrows(ConfigException.class,
                () -> with("imagefolder", 1, 0, null, null, null)).keyPath());
    }
}
