package org.sparselab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.sparselab.config.ConfigException;

class DevicesTest {
    @Test
    void autoPicksTheFirstGpuWhenThereIsOne() {
        assertArrayEquals(new Device[] {Device.cpu()}, Devices.resolve("auto", 0));
        assertArrayEquals(new Device[] {Device.gpu(0)}, Devices.resolve("auto", 2));
    }

    @Test
    void gpuAllListsEveryGpu() {
        assertArrayEquals(new Device[] {Device.gpu(0), Device.gpu(1), Device.gpu(2)}, Devices.resolve("gpu:all", 3));
        assertArrayEquals(new Device[] {Device.gpu(1)}, Devices.resolve("gpu:1", 3));
    }

    @Test
    void askingForAMissingGpuIsAClearError() {
        var e = assertThrows(ConfigException.class, () -> Devices.resolve("gpu", 0));
        assertTrue(e.getMessage().startsWith("device: 'gpu' asked for a GPU but the PyTorch engine sees none"));
        var e2 = assertThrows(ConfigException.class, () -> Devices.resolve("gpu:4", 2));
        assertTrue(e2.getMessage().contains("gpu:4 does not exist; 2 GPU(s) visible"), e2.getMessage());
    }

    @Test
    void syntaxIsCheckedWithoutTheEngine() {
        Devices.checkSyntax("gpu:all");
        Devices.checkSyntax("cpu");
        var e = assertThrows(ConfigException.class, () -> Devices.checkSyntax("cuda"));
        assertTrue(e.getMessage().contains("expected auto, cpu, gpu, gpu:N or gpu:all, found 'cuda'"), e.getMessage());
    }
}
