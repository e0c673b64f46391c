package org.sparselab.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A parameterless TorchScript module that the engine compiles from source text, for the ops DJL does not expose (an
 * in-place ReLU, for one). DJL loads TorchScript archives but cannot compile TorchScript; an archive is a zip of the
 * module's code and two small pickles, so this writes one in memory, in the layout {@code torch.jit.save} writes
 * (format version 3), and has the engine load it. Calls run {@code forward} under the caller's gradient mode, so
 * autograd records them inside a {@code GradientCollector} and not outside it.
 */
public final class TorchScriptModule implements AutoCloseable {
    private static final NDManager OWNER = loadingManager(); // process-long: modules hold no tensors

    private final PtSymbolBlock module;
    private volatile boolean closed;

    private TorchScriptModule(PtSymbolBlock module) {
        this.module = module;
    }

    /** Frees the engine's module (its code and the graphs the engine optimised from it). */
    @Override
    public void close() {
        closed = true;
        module.close();
    }

    /** Whether this process's engine can load TorchScript (DJL's PyTorch engine). */
    public static boolean supported() {
        return OWNER != null;
    }

    /**
     * The engine's compilation of class {@code className} whose {@code forward} is {@code forwardSource}: TorchScript
     * (Python syntax) at two spaces of indentation, starting with {@code def forward(self, ...)} typed as TorchScript
     * wants ({@code x: Tensor}, {@code -> Tensor}).
     *
     * @throws IllegalStateException where the engine cannot load TorchScript ({@link #supported()} false)
     * @throws ai.djl.engine.EngineException where the engine rejects the code
     */
    public static TorchScriptModule compile(String className, String forwardSource) {
        if (OWNER == null) {
            throw new IllegalStateException("TorchScript needs DJL's PyTorch engine; this process runs "
                    + Engine.getInstance().getEngineName());
        }
        String code = "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + forwardSource.replace("self,", "self: __torch__." + className + ",");
        byte[] archive = archive(className, code);
        try {
            return new TorchScriptModule(JniUtils.loadModule((PtNDManager) OWNER, new ByteArrayInputStream(archive),
                    false, false));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory stream: not expected
        }
    }

    /**
     * {@code forward(inputs)}; the outputs belong to the first input's manager. DJL's "training" flag is always set:
     * it leaves the gradient mode as the caller has it (on inside a {@code GradientCollector}, off outside, so no
     * graph is built there), while DJL's inference flag runs under a deprecated libtorch guard that prints a
     * warning into every process's log.
     */
    public NDList forward(NDList inputs) {
        if (closed) throw new IllegalStateException("this TorchScript module was closed; compile it again");
        for (NDArray x : inputs) {
            if (!positional(x)) {
                throw new IllegalArgumentException("array named '" + x.getName() + "' would not pass as a plain "
                        + "tensor: DJL regroups inputs by name");
            }
        }
        return IValueUtils.forward(module, inputs, true);
    }

    /**
     * Whether {@code x} reaches {@code forward} as itself. DJL turns inputs into TorchScript values by their names:
     * a dotted name goes into a dict, {@code name[]} into a list, {@code name()} into a tuple, {@code module_method:}
     * picks the method. Unnamed arrays and plain names (a parameter's {@code weight}) pass as they are.
     */
    public static boolean positional(NDArray x) {
        return x.getName() == null || plainName(x.getName());
    }

    /** Whether an array named {@code name} passes as itself: letters, digits and underscores only. */
    static boolean plainName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '_') return false;
        }
        return true;
    }

    /** The archive: {@code data.pkl} (the module object), {@code constants.pkl} (none), the code and the format. */
    static byte[] archive(String className, String code) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, "data.pkl", modulePickle(className));
            stored(zip, "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // PROTO 2, EMPTY_TUPLE, STOP
            stored(zip, "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(zip, "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Pickle protocol 2 of an instance of {@code __torch__.className} whose state is {@code {"training": True}}:
     * PROTO 2, GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, BINUNICODE "training", NEWTRUE, SETITEM, BUILD, STOP.
     */
    static byte[] modulePickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        p.write(')');
        p.write(0x81);
        p.write('}');
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X');
        p.writeBytes(new byte[] {(byte) key.length, 0, 0, 0}); // little-endian length
        p.writeBytes(key);
        p.write(0x88);
        p.write('s');
        p.write('b');
        p.write('.');
        return p.toByteArray();
    }

    /** Uncompressed, as torch.jit.save writes its records. */
    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry("archive/" + name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static NDManager loadingManager() {
        if (!TorchEngine.active()) return null;
        return NDManager.newBaseManager(ai.djl.Device.cpu());
    }
}
