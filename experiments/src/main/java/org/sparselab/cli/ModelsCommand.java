package org.sparselab.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparselab.models.ModelRegistry;
import org.sparselab.models.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparselab models}: every registered architecture with its published parameter count. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the registered model architectures.")
final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelRegistry r = Models.defaults();
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-26s %s%n", "model.arch", "published params (M)");
        for (String name : r.names()) out.printf(Locale.ROOT, "%-26s %.2f%n", name, r.publishedParamsM(name));
        out.flush();
        return 0;
    }
}
