package org.sparselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/config.md is generated from the config records; this keeps the committed file from drifting. */
class ConfigDocsTest {
    @Test
    void committedReferenceMatchesTheSchema() throws IOException {
        Path docs = repositoryRoot().resolve("docs").resolve("config.md");
        assertTrue(Files.exists(docs), "docs/config.md missing: run ./sparselab config-docs --write");
        assertEquals(ConfigDocsCommand.markdown(), Files.readString(docs),
                "docs/config.md is stale: run ./sparselab config-docs --write");
    }

    @Test
    void everySectionIsDocumented() {
        String md = ConfigDocsCommand.markdown();
        for (String key : new String[] {"`name`", "`seed`", "`device`", "`data.batch_size`", "`model.arch`",
            "`train.phases[].epochs`", "`train.optimizer`", "`tracking.uri`", "`output.dir`"}) {
            assertTrue(md.contains(key), key);
        }
    }

    /** The repository this module was built from: the nearest parent holding the parent POM and docs/. */
    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.exists(p.resolve("docs")) && Files.exists(p.resolve("framework")))) {
            p = p.getParent();
        }
        if (p == null) throw new IllegalStateException("run from inside the repository");
        return p;
    }
}
