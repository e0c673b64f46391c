package org.sparselab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dirty flag counts changed code and configs, not the tree's own outputs (a sweep rewrites those). */
class ProvenanceTest {
    @TempDir Path repo;

    @BeforeEach
    void committedTree() throws Exception {
        write("framework/Code.java", "class Code {}");
        write("configs/a.yaml", "seed: 1");
        write("results/runs/suite/manifest.json", "{}");
        write("mlruns/0/meta.yaml", "name: Default");
        git("init", "-q");
        git("add", "-A");
        git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "start");
    }

    @Test
    void aCleanTreeIsNotDirty() {
        Provenance p = Provenance.collect(repo);
        assertFalse(p.gitDirty());
        assertEquals(List.of(), p.gitDirtyPaths());
        assertEquals(40, p.gitCommit().length());
    }

    @Test
    void rewrittenOutputsDoNotMakeTheTreeDirty() throws Exception {
        write("results/runs/suite/manifest.json", "{\"points\": 3}");
        Files.delete(repo.resolve("mlruns/0/meta.yaml"));
        write("results/new-report.md", "untracked output");
        assertFalse(Provenance.collect(repo).gitDirty());
    }

    @Test
    void changedCodeOrConfigIsDirtyAndNamed() throws Exception {
        write("results/runs/suite/manifest.json", "{\"points\": 3}");
        write("configs/a.yaml", "seed: 2");
        write("framework/Code.java", "class Code { int x; }");
        Provenance p = Provenance.collect(repo);
        assertTrue(p.gitDirty());
        assertEquals(List.of("configs/a.yaml", "framework/Code.java"), p.gitDirtyPaths());
        String diff = Provenance.codeDiff(repo);
        assertTrue(diff.contains("+class Code { int x; }") && diff.contains("+seed: 2"), diff);
        assertFalse(diff.contains("manifest.json"), "outputs are not code: " + diff);
    }

    @Test
    void aCleanTreeHasNoDiff() {
        assertEquals("", Provenance.codeDiff(repo));
    }

    @Test
    void fromASubfolderTheWholeTreeIsChecked() throws Exception {
        write("configs/a.yaml", "seed: 2");
        Provenance p = Provenance.collect(repo.resolve("framework"));
        assertEquals(List.of("configs/a.yaml"), p.gitDirtyPaths());
    }

    @Test
    void manyChangedPathsAreCappedWithACount() {
        StringBuilder porcelain = new StringBuilder();
        for (int i = 0; i < Provenance.MAX_PATHS + 5; i++) porcelain.append(" M src/F").append(i).append(".java\n");
        List<String> paths = Provenance.dirtyPaths(porcelain.toString());
        assertEquals(Provenance.MAX_PATHS + 1, paths.size());
        assertEquals("src/F0.java", paths.get(0));
        assertEquals("… and 5 more", paths.get(Provenance.MAX_PATHS));
    }

    private void write(String rel, String text) throws IOException {
        Path f = repo.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    private void git(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertEquals(0, p.waitFor(), "git " + String.join(" ", args));
    }
}
