package org.sparselab.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The facts about one dataset, read from {@code datasets/<name>.json} (packaged on the classpath): image shape,
 * classes, normalisation statistics, the files a complete copy holds, where to download them and which checksums
 * a file may have.
 *
 * @param name registry name, lowercase ({@code fashion_mnist})
 * @param format on-disk format: {@code idx}, {@code cifar10}, {@code cifar100}, {@code imagefolder}, {@code synthetic}
 * @param files paths relative to the dataset directory that a complete copy holds; an IDX file ending in
 *     {@code .gz} may also be present uncompressed
 * @param downloads what to fetch when files are missing; an entry with {@code extract} is a .tar.gz unpacked in place
 * @param checksums accepted checksums of files found on disk, as {@code "sha256:<hex>"} or {@code "md5:<hex>"}; a
 *     file not listed is checked by format only
 * @param system where an OS package installs the files, or null
 */
public record Manifest(
        String name,
        String description,
        String format,
        int channels,
        int imageSize,
        Integer numClasses,
        Integer trainSize,
        Integer testSize,
        List<Double> mean,
        List<Double> std,
        List<String> files,
        List<Download> downloads,
        Map<String, List<String>> checksums,
        SystemInstall system,
        List<String> notes) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public Manifest {
        files = files == null ? List.of() : List.copyOf(files);
        downloads = downloads == null ? List.of() : List.copyOf(downloads);
        checksums = checksums == null ? Map.of() : Map.copyOf(checksums);
        notes = notes == null ? List.of() : List.copyOf(notes);
        mean = mean == null ? List.of() : List.copyOf(mean);
        std = std == null ? List.of() : List.copyOf(std);
    }

    /**
     * One file to download.
     *
     * @param file name it is saved under in the dataset directory
     * @param urls mirrors, tried in order
     * @param size exact byte length, or null when not recorded
     * @param sha256 expected SHA-256 (hex), or null; checked when present
     * @param md5 expected MD5 (hex), or null; checked when no SHA-256 is recorded
     * @param extract unpack this .tar.gz into the dataset directory, then delete it
     */
    public record Download(String file, List<String> urls, Long size, String sha256, String md5, boolean extract) {
        public Download {
            urls = urls == null ? List.of() : List.copyOf(urls);
        }
    }

    /**
     * An OS package that installs the dataset.
     *
     * @param packageName e.g. the Debian package {@code dataset-fashion-mnist}
     * @param install the command that installs it
     * @param paths directories the package installs the files into
     */
    public record SystemInstall(String packageName, String install, List<String> paths) {
        public SystemInstall {
            paths = paths == null ? List.of() : List.copyOf(paths);
        }
    }

    /** The packaged manifest for a registry name. */
    public static Manifest forName(String name) {
        String resource = "datasets/" + name + ".json";
        try (InputStream in = Manifest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new DataException("no manifest " + resource + " on the classpath; expected one per dataset in "
                        + "datasets/ (rebuild the framework module)");
            }
            return JSON.readValue(in, Manifest.class);
        } catch (IOException e) {
            throw new DataException("manifest " + resource + " is not valid: " + e.getMessage(), e);
        }
    }

    /** Reads a manifest file, e.g. one a test writes with loopback URLs. */
    public static Manifest read(Path file) {
        try {
            return JSON.readValue(Files.readAllBytes(file), Manifest.class);
        } catch (IOException e) {
            throw new DataException("manifest " + file + " is not valid: " + e.getMessage(), e);
        }
    }
}
