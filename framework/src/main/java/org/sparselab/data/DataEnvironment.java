package org.sparselab.data;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where data may be found besides {@code data.root}: the {@code SPARSELAB_DATA} directory, the project directory
 * (whose {@code datasets/<name>/} is searched and downloaded into) and the system paths. Injected so tests never
 * depend on the machine's environment.
 *
 * @param projectDir the project checkout; {@code datasets/<name>/} below it is searched and downloaded into
 * @param dataHome value of {@code $SPARSELAB_DATA}, or null when unset
 * @param systemPaths directories replacing the manifest's system paths, or null to use the manifest's
 * @param connectTimeout HTTP connect timeout for downloads
 * @param installer installs the manifest's system package when downloading fails ({@link PackageInstaller#NONE}:
 *     never)
 */
public record DataEnvironment(Path projectDir, Path dataHome, List<Path> systemPaths, Duration connectTimeout,
        PackageInstaller installer) {
    public DataEnvironment {
        if (installer == null) installer = PackageInstaller.NONE;
        if (projectDir == null) throw new IllegalArgumentException("projectDir is required");
        if (systemPaths != null) systemPaths = List.copyOf(systemPaths);
        if (connectTimeout == null) connectTimeout = Duration.ofSeconds(10);
    }

    /** The real environment: working directory as project, {@code $SPARSELAB_DATA}, the manifest's system paths. */
    public static DataEnvironment fromSystem() {
        return forProject(Path.of("").toAbsolutePath());
    }

    /**
     * The real environment with the given project directory; as root with apt-get, a manifest's Debian package is
     * installed when the data cannot be downloaded.
     */
    public static DataEnvironment forProject(Path projectDir) {
        String home = System.getenv("SPARSELAB_DATA");
        Path dataHome = home == null || home.isBlank() ? null : Path.of(home).toAbsolutePath();
        return new DataEnvironment(projectDir.toAbsolutePath(), dataHome, null, Duration.ofSeconds(10),
                PackageInstaller.aptIfRoot());
    }

    /** An environment that sees only {@code projectDir}: no {@code SPARSELAB_DATA}, no system paths. */
    public static DataEnvironment isolated(Path projectDir) {
        return new DataEnvironment(projectDir, null, List.of(), Duration.ofSeconds(2), PackageInstaller.NONE);
    }

    public DataEnvironment withDataHome(Path home) {
        return new DataEnvironment(projectDir, home, systemPaths, connectTimeout, installer);
    }

    public DataEnvironment withSystemPaths(List<Path> paths) {
        return new DataEnvironment(projectDir, dataHome, paths, connectTimeout, installer);
    }

    public DataEnvironment withInstaller(PackageInstaller installer) {
        return new DataEnvironment(projectDir, dataHome, systemPaths, connectTimeout, installer);
    }
}
