package org.sparselab.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Logs a run to an MLflow tracking server over its REST API ({@code /api/2.0/mlflow/...}), artifacts through the
 * server's {@code mlflow-artifacts} proxy.
 *
 * <p>Why {@link HttpClient} and not {@code org.mlflow.tracking.MlflowClient}: the Java client's artifact calls fork
 * the Python CLI (mlflow#1515), and its HTTP caller hides timeouts and retries in package-private constructors of a
 * shaded Apache client, so a dead server could stall training and the failure modes could not be tested. The few
 * calls used here follow MLflow's protocol (JSON field names of {@code service.proto}). Every call is one attempt:
 * failures surface as {@link MlflowException}, and retrying is {@link SpooledTracker}'s job.
 *
 * <p>Auth comes from {@code MLFLOW_TRACKING_TOKEN} (bearer) or {@code MLFLOW_TRACKING_USERNAME} /
 * {@code MLFLOW_TRACKING_PASSWORD} (basic), read from the env map given, so tests can inject it.
 */
public final class RestTracker extends SanitizingTracker {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String server; // without trailing '/'
    private final String authorization; // null without credentials
    private final HttpClient http;
    private final Duration timeout;
    private String experimentId;
    private String runId;
    private String artifactUri;

    public RestTracker(String serverUri, Map<String, String> env) {
        this(serverUri, env, DEFAULT_TIMEOUT);
    }

    /** {@code timeout} bounds connecting and each whole request. */
    public RestTracker(String serverUri, Map<String, String> env, Duration timeout) {
        this.server = serverUri.replaceFirst("/+$", "");
        this.authorization = authorization(env);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    static String authorization(Map<String, String> env) {
        String token = env.get("MLFLOW_TRACKING_TOKEN");
        if (token != null && !token.isEmpty()) return "Bearer " + token;
        String user = env.get("MLFLOW_TRACKING_USERNAME");
        String pass = env.get("MLFLOW_TRACKING_PASSWORD");
        if (user != null && pass != null) {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    public String server() {
        return server;
    }

    public String experimentId() {
        return experimentId;
    }

    public String artifactUri() {
        return artifactUri;
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public void start(String experimentName, String runName, long startTimeMs, Map<String, String> tags) {
        experimentId = experimentIdFor(experimentName);
        Map<String, String> all = startTags(runName, tags);
        ObjectNode body = JSON.createObjectNode();
        body.put("experiment_id", experimentId);
        body.put("user_id", all.getOrDefault("mlflow.user", ""));
        if (runName != null) body.put("run_name", runName);
        body.put("start_time", startTimeMs);
        body.set("tags", keyValues(all));
        readInfo(call("POST", "/api/2.0/mlflow/runs/create", body).path("run").path("info"));
    }

    /** Continues an existing run (for replaying a spool): reads its experiment and artifact URI. */
    public void attach(String existingRunId) {
        readInfo(getRun(existingRunId).path("info"));
    }

    private void readInfo(JsonNode info) {
        runId = info.path("run_id").asText(info.path("run_uuid").asText(null));
        experimentId = info.path("experiment_id").asText(experimentId);
        artifactUri = info.path("artifact_uri").asText(null);
        if (runId == null || runId.isEmpty()) {
            throw new MlflowException("MLflow server answered without a run id", 200, "", false, null);
        }
    }

    /** The run as {@code runs/get} returns it ({@code info}, {@code data}). */
    public JsonNode getRun(String id) {
        return call("GET", "/api/2.0/mlflow/runs/get?run_id=" + enc(id), null).path("run");
    }

    /** The run's params as the server holds them. */
    public Map<String, String> serverParams() {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : getRun(requireRun()).path("data").path("params")) {
            out.put(p.path("key").asText(), p.path("value").asText());
        }
        return out;
    }

    /** Every point the server holds for metric {@code key} of this run, following page tokens. */
    public List<MetricPoint> metricHistory(String key) {
        List<MetricPoint> out = new ArrayList<>();
        String token = null;
        do {
            String q = "/api/2.0/mlflow/metrics/get-history?run_id=" + enc(requireRun()) + "&metric_key=" + enc(key)
                    + (token == null ? "" : "&page_token=" + enc(token));
            JsonNode r = call("GET", q, null);
            for (JsonNode m : r.path("metrics")) {
                out.add(new MetricPoint(key, m.path("value").asDouble(), m.path("timestamp").asLong(),
                        m.path("step").asLong()));
            }
            token = r.path("next_page_token").asText("");
        } while (!token.isEmpty());
        return out;
    }

    private String experimentIdFor(String name) {
        try {
            return call("GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + enc(name), null)
                    .path("experiment").path("experiment_id").asText();
        } catch (MlflowException e) {
            if (!"RESOURCE_DOES_NOT_EXIST".equals(e.errorCode()) && e.httpStatus() != 404) throw e;
        }
        ObjectNode body = JSON.createObjectNode().put("name", name);
        try {
            return call("POST", "/api/2.0/mlflow/experiments/create", body).path("experiment_id").asText();
        } catch (MlflowException e) {
            if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) throw e;
            // Created by a concurrent sweep worker between our two calls.
            return call("GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + enc(name), null)
                    .path("experiment").path("experiment_id").asText();
        }
    }

    @Override
    protected void writeParams(Map<String, String> params) {
        List<Map.Entry<String, String>> all = new ArrayList<>(params.entrySet());
        for (int i = 0; i < all.size(); i += MlflowNames.MAX_PARAMS_PER_BATCH) {
            logBatch(List.of(), all.subList(i, Math.min(all.size(), i + MlflowNames.MAX_PARAMS_PER_BATCH)),
                    List.of());
        }
    }

    @Override
    protected void writeMetrics(List<MetricPoint> points) {
        int step = Math.min(MlflowNames.MAX_METRICS_PER_BATCH, MlflowNames.MAX_ENTITIES_PER_BATCH);
        for (int i = 0; i < points.size(); i += step) {
            logBatch(points.subList(i, Math.min(points.size(), i + step)), List.of(), List.of());
        }
    }

    @Override
    protected void writeTags(Map<String, String> tags) {
        List<Map.Entry<String, String>> all = new ArrayList<>(tags.entrySet());
        for (int i = 0; i < all.size(); i += MlflowNames.MAX_TAGS_PER_BATCH) {
            logBatch(List.of(), List.of(),
                    all.subList(i, Math.min(all.size(), i + MlflowNames.MAX_TAGS_PER_BATCH)));
        }
    }

    private void logBatch(List<MetricPoint> metrics, List<Map.Entry<String, String>> params,
            List<Map.Entry<String, String>> tags) {
        ObjectNode body = JSON.createObjectNode().put("run_id", requireRun());
        ArrayNode m = body.putArray("metrics");
        for (MetricPoint p : metrics) {
            m.addObject().put("key", p.key()).put("value", p.value()).put("timestamp", p.timestampMs())
                    .put("step", p.step());
        }
        ArrayNode ps = body.putArray("params");
        params.forEach(e -> ps.addObject().put("key", e.getKey()).put("value", e.getValue()));
        ArrayNode ts = body.putArray("tags");
        tags.forEach(e -> ts.addObject().put("key", e.getKey()).put("value", e.getValue()));
        call("POST", "/api/2.0/mlflow/runs/log-batch", body);
    }

    /**
     * Uploads to {@code PUT <server>/api/2.0/mlflow-artifacts/artifacts/<path of artifact_uri>/<dir>/<name>} for an
     * {@code mlflow-artifacts:} artifact URI, or copies the file for a local ({@code file:} or absolute) one.
     */
    @Override
    public void logArtifact(Path file, String artifactDir) {
        requireRun();
        String sub = MlflowNames.checkArtifactDir(artifactDir);
        String rel = (sub.isEmpty() ? "" : sub + "/") + file.getFileName();
        String uri = artifactUri == null ? "" : artifactUri;
        try {
            if (uri.startsWith("mlflow-artifacts:")) {
                String path = URI.create(uri).getRawPath(); // drops an optional //host:port authority
                String url = server + "/api/2.0/mlflow-artifacts/artifacts" + path.replaceFirst("/+$", "") + "/"
                        + encPath(rel);
                send(request(url).PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), "PUT artifact " + rel);
            } else if (uri.startsWith("file:") || uri.startsWith("/")) {
                Path root = uri.startsWith("file:") ? Trackers.fileUriPath(uri) : Path.of(uri);
                Path target = root.resolve(rel);
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                throw new MlflowException("artifact URI " + uri + " of run " + runId + " is neither mlflow-artifacts: "
                        + "nor local; start the server with --serve-artifacts", 0, "", false, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot log artifact " + file, e);
        }
    }

    @Override
    public void finish(RunStatus status, long endTimeMs) {
        ObjectNode body = JSON.createObjectNode().put("run_id", requireRun()).put("run_uuid", runId)
                .put("status", MlflowNames.statusName(status));
        if (status.terminal()) body.put("end_time", endTimeMs);
        call("POST", "/api/2.0/mlflow/runs/update", body);
    }

    @Override
    public void close() {}

    private String requireRun() {
        if (runId == null) throw new IllegalStateException("start() or attach() the run first");
        return runId;
    }

    private JsonNode call(String method, String pathAndQuery, JsonNode body) {
        HttpRequest.Builder b = request(server + pathAndQuery);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        String text = send(b.build(), method + " " + pathAndQuery.replaceFirst("\\?.*", ""));
        try {
            return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new MlflowException("MLflow server sent invalid JSON for " + pathAndQuery, 200, "", false, e);
        }
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        if (authorization != null) b.header("Authorization", authorization);
        return b;
    }

    private String send(HttpRequest req, String what) {
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) { // refused, reset, timed out
            throw new MlflowException(what + ": MLflow server " + server + " unreachable (" + e + ")", 0, "", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlflowException(what + ": interrupted", 0, "", true, e);
        }
        int code = resp.statusCode();
        if (code / 100 == 2) return resp.body();
        String errorCode = "";
        try {
            errorCode = JSON.readTree(resp.body()).path("error_code").asText("");
        } catch (IOException | RuntimeException notJson) {
            // a proxy's HTML error page: keep the status code only
        }
        boolean retryable = code >= 500 || code == 429 || code == 408;
        String body = resp.body() == null ? "" : resp.body();
        throw new MlflowException(what + ": HTTP " + code + " " + MlflowNames.truncate(body, 300), code, errorCode,
                retryable, null);
    }

    static ArrayNode keyValues(Map<String, String> m) {
        ArrayNode a = JSON.createArrayNode();
        m.forEach((k, v) -> a.addObject().put("key", k).put("value", v));
        return a;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encPath(String rel) {
        StringBuilder sb = new StringBuilder();
        for (String seg : rel.split("/")) {
            if (sb.length() > 0) sb.append('/');
            sb.append(enc(seg));
        }
        return sb.toString();
    }
}
