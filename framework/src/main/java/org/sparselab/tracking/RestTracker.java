package org.sparselab.tracking;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Optional;
import org.mlflow.api.proto.Service;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.MessageOrBuilder;
import org.mlflow_project.google.protobuf.util.JsonFormat;

/**
 * Logs a run to an MLflow tracking server over its REST API ({@code /api/2.0/mlflow/...}), artifacts through the
 * server's {@code mlflow-artifacts} proxy.
 *
 * <p>Requests and replies are MLflow's own protocol messages ({@code org.mlflow.api.proto.Service} of
 * {@code mlflow-client}, e.g. {@code CreateRun}, {@code LogBatch}, {@code UpdateRun}, {@code SearchRuns}) in the
 * protocol's JSON form ({@code JsonFormat} with proto field names), so field names and types are MLflow's, not
 * hand-typed strings. The transport is {@link HttpClient}, not {@code org.mlflow.tracking.MlflowClient}: the Java
 * client's artifact calls fork the Python CLI (mlflow#1515), and its HTTP caller hides timeouts and retries in
 * package-private constructors of a shaded Apache client, so a dead server could stall the sender and the failure
 * modes could not be tested (docs/architecture.md, "MLflow"). Every call is one attempt: failures surface as
 * {@link MlflowException}, and retrying is {@link SpooledTracker}'s job.
 *
 * <p>Auth comes from {@code MLFLOW_TRACKING_TOKEN} (bearer) or {@code MLFLOW_TRACKING_USERNAME} /
 * {@code MLFLOW_TRACKING_PASSWORD} (basic), read from the env map given, so tests can inject it.
 */
public final class RestTracker extends SanitizingTracker implements SpoolTarget {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

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

    @Override
    public String address() {
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
        Service.CreateRun.Builder body = Service.CreateRun.newBuilder().setExperimentId(experimentId)
                .setUserId(all.getOrDefault("mlflow.user", "")).setStartTime(startTimeMs);
        if (runName != null) body.setRunName(runName);
        all.forEach((k, v) -> body.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
        String reply = call("POST", "/api/2.0/mlflow/runs/create", body);
        readInfo(parse(reply, Service.CreateRun.Response.newBuilder()).getRun().getInfo());
    }

    /** Continues an existing run (for replaying a spool): reads its experiment and artifact URI. */
    @Override
    public void attach(String existingRunId) {
        readInfo(getRun(existingRunId).getInfo());
    }

    private void readInfo(Service.RunInfo info) {
        runId = !info.getRunId().isEmpty() ? info.getRunId() : info.getRunUuid();
        if (!info.getExperimentId().isEmpty()) experimentId = info.getExperimentId();
        artifactUri = info.hasArtifactUri() ? info.getArtifactUri() : null;
        if (runId == null || runId.isEmpty()) {
            throw new MlflowException("MLflow server answered without a run id", 200, "", false, null);
        }
    }

    /** The run as {@code runs/get} returns it (info and data). */
    public Service.Run getRun(String id) {
        String reply = call("GET", "/api/2.0/mlflow/runs/get?run_id=" + enc(id), null);
        return parse(reply, Service.GetRun.Response.newBuilder()).getRun();
    }

    /**
     * The run of {@code experimentName} tagged {@code key = value} ({@code runs/search}), so a creation whose reply
     * was lost is not repeated.
     */
    @Override
    public Optional<String> findRun(String experimentName, String key, String value) {
        String expId;
        try {
            expId = experimentId(experimentName);
        } catch (MlflowException e) {
            if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode()) || e.httpStatus() == 404) return Optional.empty();
            throw e;
        }
        Service.SearchRuns.Builder body = Service.SearchRuns.newBuilder().addExperimentIds(expId)
                .setFilter("tags.`" + key + "` = '" + value.replace("'", "\\'") + "'").setMaxResults(1);
        String reply = call("POST", "/api/2.0/mlflow/runs/search", body);
        for (Service.Run r : parse(reply, Service.SearchRuns.Response.newBuilder()).getRunsList()) {
            String id = !r.getInfo().getRunId().isEmpty() ? r.getInfo().getRunId() : r.getInfo().getRunUuid();
            if (!id.isEmpty()) return Optional.of(id);
        }
        return Optional.empty();
    }

    /** The run's params as the server holds them. */
    @Override
    public Map<String, String> serverParams() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Service.Param p : getRun(requireRun()).getData().getParamsList()) out.put(p.getKey(), p.getValue());
        return out;
    }

    /** Every point the server holds for metric {@code key} of this run, following page tokens. */
    @Override
    public List<MetricPoint> metricHistory(String key) {
        List<MetricPoint> out = new ArrayList<>();
        String token = null;
        do {
            String q = "/api/2.0/mlflow/metrics/get-history?run_id=" + enc(requireRun()) + "&metric_key=" + enc(key)
                    + (token == null ? "" : "&page_token=" + enc(token));
            Service.GetMetricHistory.Response r = parse(call("GET", q, null),
                    Service.GetMetricHistory.Response.newBuilder()).build();
            for (Service.Metric m : r.getMetricsList()) {
                out.add(new MetricPoint(key, m.getValue(), m.getTimestamp(), m.getStep()));
            }
            token = r.getNextPageToken();
        } while (!token.isEmpty());
        return out;
    }

    private String experimentId(String name) {
        String reply = call("GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + enc(name), null);
        return parse(reply, Service.GetExperimentByName.Response.newBuilder()).getExperiment().getExperimentId();
    }

    private String experimentIdFor(String name) {
        try {
            return experimentId(name);
        } catch (MlflowException e) {
            if (!"RESOURCE_DOES_NOT_EXIST".equals(e.errorCode()) && e.httpStatus() != 404) throw e;
        }
        try {
            String reply = call("POST", "/api/2.0/mlflow/experiments/create",
                    Service.CreateExperiment.newBuilder().setName(name));
            return parse(reply, Service.CreateExperiment.Response.newBuilder()).getExperimentId();
        } catch (MlflowException e) {
            if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) throw e;
            return experimentId(name); // created by a concurrent sweep worker between our two calls
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
        Service.LogBatch.Builder body = Service.LogBatch.newBuilder().setRunId(requireRun());
        for (MetricPoint p : metrics) {
            body.addMetrics(Service.Metric.newBuilder().setKey(p.key()).setValue(p.value())
                    .setTimestamp(p.timestampMs()).setStep(p.step()));
        }
        params.forEach(e -> body.addParams(Service.Param.newBuilder().setKey(e.getKey()).setValue(e.getValue())));
        tags.forEach(e -> body.addTags(Service.RunTag.newBuilder().setKey(e.getKey()).setValue(e.getValue())));
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
        Service.UpdateRun.Builder body = Service.UpdateRun.newBuilder().setRunId(requireRun()).setRunUuid(runId)
                .setStatus(Service.RunStatus.valueOf(MlflowNames.statusName(status)));
        if (status.terminal()) body.setEndTime(endTimeMs);
        call("POST", "/api/2.0/mlflow/runs/update", body);
    }

    @Override
    public void close() {}

    private String requireRun() {
        if (runId == null) throw new IllegalStateException("start() or attach() the run first");
        return runId;
    }

    /** One request with a protocol message as its JSON body (none for GET); returns the reply's text. */
    private String call(String method, String pathAndQuery, MessageOrBuilder body) {
        HttpRequest.Builder b = request(server + pathAndQuery);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            String json;
            try {
                json = PRINTER.print(body);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("cannot encode " + pathAndQuery + ": " + e.getMessage(), e);
            }
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        }
        return send(b.build(), method + " " + pathAndQuery.replaceFirst("\\?.*", ""));
    }

    /** A reply parsed into its protocol message; fields this client does not know are ignored. */
    private static <B extends Message.Builder> B parse(String text, B builder) {
        try {
            if (!text.isBlank()) PARSER.merge(text, builder);
            return builder;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new MlflowException("MLflow server sent a reply that is not MLflow's protocol ("
                    + MlflowNames.truncate(String.valueOf(e.getMessage()), 200) + ")", 200, "", false, e);
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
