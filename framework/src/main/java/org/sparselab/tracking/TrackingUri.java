package org.sparselab.tracking;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import org.sparselab.config.ConfigException;

/**
 * A {@code tracking.uri}, parsed when the config is built: no tracking, a local MLflow file store, or an MLflow
 * server. Bad text is bad input there, before any run record or MLflow run exists.
 */
public sealed interface TrackingUri permits TrackingUri.None, TrackingUri.FileStore, TrackingUri.Server {
    /** {@code none}: only the run record is written. */
    record None() implements TrackingUri {
        @Override
        public String toString() {
            return "none";
        }
    }

    /** {@code file:<path>} or a plain path: an MLflow file store rooted at {@code root} (relative to the working dir). */
    record FileStore(Path root) implements TrackingUri {
        @Override
        public String toString() {
            return "file:" + root;
        }
    }

    /** {@code http(s)://host[:port][/path]}: an MLflow tracking server. */
    record Server(URI uri) implements TrackingUri {
        /** The URL without a trailing '/', as REST paths are appended to it. */
        public String base() {
            return uri.toString().replaceFirst("/+$", "");
        }

        @Override
        public String toString() {
            return base();
        }
    }

    /** Parses {@code text}; a failure is a {@link ConfigException} for {@code key}. */
    static TrackingUri parse(String key, String text) {
        if (text == null || text.isBlank()) throw ConfigException.expected(key, "a tracking URI", text);
        String u = text.strip();
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.equals("none")) return new None();
        if (lower.startsWith("http://") || lower.startsWith("https://")) return new Server(server(key, u));
        if (lower.startsWith("file:")) return new FileStore(filePath(key, u));
        int colon = u.indexOf(':');
        // A scheme is letters before ':' (longer than one, so Windows drive letters stay paths).
        if (colon > 1 && u.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            throw new ConfigException(key, "unsupported scheme '" + u.substring(0, colon)
                    + "' in '" + u + "' (expected none, file:<path>, a path, http://host:port or https://…)");
        }
        return new FileStore(path(key, u, u));
    }

    /** Parses {@code text} as {@code tracking.uri}. */
    static TrackingUri parse(String text) {
        return parse("tracking.uri", text);
    }

    private static URI server(String key, String u) {
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "'" + u + "' is not a valid URL (" + e.getReason()
                    + "); expected http(s)://host[:port]");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new ConfigException(key, "'" + u + "' names no host; expected http(s)://host[:port], e.g. "
                    + "http://127.0.0.1:5000");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new ConfigException(key, "'" + u + "' has a query, fragment or user; expected http(s)://host[:port]"
                    + "[/path] (credentials go in MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD)");
        }
        return uri;
    }

    /** {@code file:///abs}, {@code file:/abs} or {@code file:relative/path} to a path. */
    private static Path filePath(String key, String u) {
        String rest = u.substring("file:".length());
        if (rest.startsWith("//")) {
            try {
                URI uri = new URI(u);
                if (uri.getAuthority() != null && !uri.getAuthority().equals("localhost")) {
                    throw new ConfigException(key, "'" + u + "' names a host; a file store is local: file:///abs/path "
                            + "or file:relative/path");
                }
                return path(key, u, uri.getPath());
            } catch (URISyntaxException e) {
                throw new ConfigException(key, "'" + u + "' is not a valid file URI (" + e.getReason() + ")");
            }
        }
        if (rest.isBlank()) throw ConfigException.expected(key, "file:<path>", u);
        return path(key, u, rest);
    }

    private static Path path(String key, String u, String p) {
        try {
            return Path.of(p);
        } catch (InvalidPathException e) {
            throw new ConfigException(key, "'" + u + "' is not a valid path (" + e.getReason() + ")");
        }
    }
}
