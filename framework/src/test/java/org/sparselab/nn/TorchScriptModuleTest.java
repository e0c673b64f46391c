package org.sparselab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** Modules compiled from source text run in the engine, under the caller's gradient mode. */
class TorchScriptModuleTest {
    private static final TorchScriptModule AXPY = TorchScriptModule.compile("Axpy",
            "  def forward(self, x: Tensor, y: Tensor) -> Tensor:\n    return x * 2.0 + y\n");

    @Test
    void compiledCodeComputesAndItsOutputBelongsToTheFirstInputsManager() {
        assertTrue(TorchScriptModule.supported());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, -2, 3});
            NDArray y = m.create(new float[] {0.5f, 0.5f, -1});
            NDArray out = AXPY.forward(new NDList(x, y)).singletonOrThrow();
            assertArrayEquals(new float[] {2.5f, -3.5f, 5}, out.toFloatArray());
            assertSame(m, out.getManager());
        }
    }

    @Test
    void aClosedModuleIsFreedAndRefusesToRun() {
        TorchScriptModule m = TorchScriptModule.compile("Twice",
                "  def forward(self, x: Tensor) -> Tensor:\n    return x * 2.0\n");
        try (NDManager nd = NDManager.newBaseManager()) {
            NDList in = new NDList(nd.create(new float[] {1, 2}));
            assertArrayEquals(new float[] {2, 4}, m.forward(in).singletonOrThrow().toFloatArray());
            m.close();
            m.close(); // twice is harmless
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.forward(in));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void inputsPassByPositionAndNamesDjlWouldRegroupAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, -2, 3});
            NDArray y = m.create(new float[] {0.5f, 0.5f, -1});
            x.setName("weight"); // a parameter's name: passes as itself
            assertArrayEquals(new float[] {2.5f, -3.5f, 5},
                    AXPY.forward(new NDList(x, y)).singletonOrThrow().toFloatArray());
            for (String name : new String[] {"a.b", "y[]", "y()", "module_method:forward"}) {
                y.setName(name); // DJL would make a dict, a list, a tuple, or pick a method of it
                assertFalse(TorchScriptModule.positional(y), name);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> AXPY.forward(new NDList(x, y)));
                assertTrue(e.getMessage().contains(name), e.getMessage());
            }
        }
    }

    @Test
    void gradientsFlowThroughTheModuleInsideACollectorAndNoGraphIsBuiltOutside() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, -2, 3});
            NDArray y = m.create(new float[] {4, 5, 6});
            x.setRequiresGradient(true);
            y.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(AXPY.forward(new NDList(x, y)).singletonOrThrow().sum());
            }
            assertArrayEquals(new float[] {2, 2, 2}, x.getGradient().toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1}, y.getGradient().toFloatArray());
            NDArray outside = AXPY.forward(new NDList(x, y)).singletonOrThrow();
            assertFalse(ai.djl.pytorch.jni.JniUtils.requiresGrad((ai.djl.pytorch.engine.PtNDArray) outside),
                    "no autograd graph outside a GradientCollector");
        }
    }

    @Test
    void theArchiveHasTheLayoutTorchJitSaveWrites() throws Exception {
        byte[] zip = TorchScriptModule.archive("K", "class K(Module):\n  training : bool\n");
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
                assertTrue(e.getMethod() == ZipEntry.STORED, e.getName() + " is stored uncompressed");
            }
        }
        assertTrue(names.containsAll(List.of("archive/data.pkl", "archive/constants.pkl",
                "archive/code/__torch__.py", "archive/version", "archive/byteorder")), names.toString());
        // PROTO 2, GLOBAL '__torch__ K', EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, BINUNICODE 'training', NEWTRUE, SETITEM,
        // BUILD, STOP: what pickle writes for the module object (checked against torch.jit.save's data.pkl).
        byte[] expected = new byte[] {(byte) 0x80, 2, 'c', '_', '_', 't', 'o', 'r', 'c', 'h', '_', '_', '\n', 'K', '\n',
                ')', (byte) 0x81, '}', 'X', 8, 0, 0, 0, 't', 'r', 'a', 'i', 'n', 'i', 'n', 'g', (byte) 0x88, 's', 'b',
                '.'};
        assertArrayEquals(expected, TorchScriptModule.modulePickle("K"));
    }

    @Test
    void codeTheEngineRejectsFailsWithTheEnginesMessage() {
        EngineException e = assertThrows(EngineException.class, () -> TorchScriptModule.compile("Bad",
                "  def forward(self, x: Tensor) -> Tensor:\n    return torch.no_such_op(x)\n"));
        assertTrue(e.getMessage().contains("no_such_op"), e.getMessage());
    }
}
