package org.sparselab.config;

/**
 * Bad input in a config: prints as one line {@code file:line: key.path: what was wrong (expected …)}; the CLI maps
 * it to exit code 2 without a stack trace. A source without a line prints as a prefix: {@code --set train.epochs: …}.
 *
 * <p>Records throw it with only the key relative to themselves; the binder that built them prefixes the full key
 * path and the source location as the exception travels out ({@link #within}, {@link #at}).
 */
public final class ConfigException extends RuntimeException {
    private final String source; // file name or "<string>", null when unknown
    private final int line; // 1-based, 0 when unknown
    private final String keyPath; // dotted, e.g. train.phases[0].epochs; may be empty
    private final String detail;

    public ConfigException(String keyPath, String detail) {
        this(null, 0, keyPath, detail, null);
    }

    public ConfigException(String keyPath, String detail, Throwable cause) {
        this(null, 0, keyPath, detail, cause);
    }

    public ConfigException(String source, int line, String keyPath, String detail, Throwable cause) {
        super(format(source, line, keyPath, detail), cause);
        this.source = source;
        this.line = line;
        this.keyPath = keyPath == null ? "" : keyPath;
        this.detail = detail;
    }

    /** Key {@code key} was expected to be {@code expected} but was {@code found}. */
    public static ConfigException expected(String key, String expected, Object found) {
        return new ConfigException(key, "expected " + expected + ", found " + render(found));
    }

    /** The same error, with its key path placed under {@code parentPath}. */
    public ConfigException within(String parentPath) {
        if (parentPath == null || parentPath.isEmpty()) return this;
        String joined =
                keyPath.isEmpty() ? parentPath : keyPath.startsWith("[") ? parentPath + keyPath : parentPath + "." + keyPath;
        return new ConfigException(source, line, joined, detail, getCause());
    }

    /** The same error located at {@code source:line}, unless it already has a location. */
    public ConfigException at(String source, int line) {
        if (this.source != null) return this;
        return new ConfigException(source, line, keyPath, detail, getCause());
    }

    public String source() { return source; }

    public int line() { return line; }

    public String keyPath() { return keyPath; }

    public String detail() { return detail; }

    private static String format(String source, int line, String keyPath, String detail) {
        StringBuilder sb = new StringBuilder();
        boolean hasKey = keyPath != null && !keyPath.isEmpty();
        if (source != null) {
            // Without a line (e.g. "--set"), the source reads as a prefix of the key: "--set train.epochs: ...".
            if (line > 0) sb.append(source).append(':').append(line).append(": ");
            else sb.append(source).append(hasKey ? " " : ": ");
        }
        if (hasKey) sb.append(keyPath).append(": ");
        return sb.append(detail).toString();
    }

    static String render(Object found) {
        if (found == null) return "nothing";
        if (found instanceof String s) return "'" + s + "'";
        return String.valueOf(found);
    }
}
