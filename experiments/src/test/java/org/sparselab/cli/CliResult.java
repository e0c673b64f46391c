package org.sparselab.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Exit code, stdout and stderr of one in-process invocation of the command line. */
record CliResult(int code, String out, String err) {
    static CliResult of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new CliResult(code, out.toString(), err.toString());
    }
}
