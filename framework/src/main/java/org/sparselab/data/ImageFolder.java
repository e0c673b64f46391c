package org.sparselab.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The file list of an image-folder dataset: {@code root/train/<class>/**} and {@code root/val/<class>/**} (ImageNet,
 * torchvision's ImageFolder), or Tiny ImageNet's {@code root/val/images/*} labelled by {@code val/val_annotations.txt}.
 * Classes are the sorted names of the folders under {@code train/}; images may sit in sub-folders of a class
 * (Tiny ImageNet's {@code train/<wnid>/images/}).
 *
 * @param classes class names, sorted; a label is an index into it
 * @param train training images with labels
 * @param eval labelled evaluation images ({@code val/}, else {@code test/})
 */
record ImageFolder(Path root, List<String> classes, List<Entry> train, List<Entry> eval) {

    /** One image file and its label. */
    record Entry(Path file, int label) {}

    private static final List<String> EXTENSIONS = List.of(".jpeg", ".jpg", ".png", ".bmp", ".gif");

    static ImageFolder scan(Path root) {
        Path trainDir = root.resolve("train");
        if (!Files.isDirectory(trainDir)) {
            throw new DataException(root + ": no train/ directory, expected root/train/<class>/<image> (ImageNet or "
                    + "Tiny ImageNet layout); set data.root to the dataset's top directory");
        }
        List<String> classes = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(trainDir)) {
            dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(classes::add);
        } catch (IOException e) {
            throw new DataException("cannot list " + trainDir + ": " + e.getMessage(), e);
        }
        if (classes.size() < 2) {
            throw new DataException(trainDir + ": " + classes.size() + " class folders, expected at least 2 "
                    + "(train/<class>/<image>)");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) index.put(classes.get(i), i);
        List<Entry> train = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) addImages(trainDir.resolve(classes.get(i)), i, train);
        if (train.isEmpty()) throw new DataException(trainDir + ": no images (.jpeg/.jpg/.png/.bmp/.gif) found");

        Path evalDir = Files.isDirectory(root.resolve("val")) ? root.resolve("val") : root.resolve("test");
        List<Entry> eval = new ArrayList<>();
        Path annotations = evalDir.resolve("val_annotations.txt");
        if (Files.isRegularFile(annotations)) {
            readAnnotations(evalDir, annotations, index, eval);
        } else if (Files.isDirectory(evalDir)) {
            for (int i = 0; i < classes.size(); i++) {
                Path dir = evalDir.resolve(classes.get(i));
                if (Files.isDirectory(dir)) addImages(dir, i, eval);
            }
        }
        if (eval.isEmpty()) {
            throw new DataException(root + ": no labelled evaluation images, expected val/<class>/<image> with the "
                    + "class names of train/, or val/images/ + val/val_annotations.txt (Tiny ImageNet)");
        }
        return new ImageFolder(root, List.copyOf(classes), List.copyOf(train), List.copyOf(eval));
    }

    private static void addImages(Path classDir, int label, List<Entry> out) {
        try (Stream<Path> files = Files.walk(classDir)) {
            files.filter(Files::isRegularFile).filter(ImageFolder::isImage).map(Path::toString).sorted()
                    .forEach(f -> out.add(new Entry(Path.of(f), label)));
        } catch (IOException e) {
            throw new DataException("cannot list " + classDir + ": " + e.getMessage(), e);
        }
    }

    /** Tiny ImageNet: each line is {@code file<TAB>wnid<TAB>box…}; files live in {@code val/images/}. */
    private static void readAnnotations(Path evalDir, Path annotations, Map<String, Integer> index, List<Entry> out) {
        List<String> lines;
        try {
            lines = Files.readAllLines(annotations, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException("cannot read " + annotations + ": " + e.getMessage(), e);
        }
        List<Entry> found = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) continue;
            String[] parts = line.split("\\s+");
            Integer label = parts.length < 2 ? null : index.get(parts[1]);
            if (label == null) {
                throw new DataException(annotations + ":" + (n + 1) + ": expected '<file> <class> ...' with a class "
                        + "of train/, found '" + line + "'; the annotation file does not belong to this train/");
            }
            Path file = evalDir.resolve("images").resolve(parts[0]);
            if (!Files.isRegularFile(file)) {
                throw new DataException(annotations + ":" + (n + 1) + ": image " + file + " is missing; restore "
                        + "val/images/ from the dataset archive");
            }
            found.add(new Entry(file, label));
        }
        found.sort((a, b) -> a.file().toString().compareTo(b.file().toString()));
        out.addAll(found);
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }
}
