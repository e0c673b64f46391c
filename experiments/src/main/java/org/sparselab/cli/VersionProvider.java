package org.sparselab.cli;

import ai.djl.engine.Engine;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: ours, DJL's and the PyTorch engine's, and the JVM's. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String pkg = Main.class.getPackage().getImplementationVersion();
        String engine;
        try {
            engine = Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion();
        } catch (RuntimeException e) {
            engine = "engine unavailable: " + e.getMessage();
        }
        return new String[] {"sparselab " + (pkg == null ? "dev" : pkg), "DJL " + Engine.getDjlVersion(), engine,
            "Java " + System.getProperty("java.version")};
    }
}
