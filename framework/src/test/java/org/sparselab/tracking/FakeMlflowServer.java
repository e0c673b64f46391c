package org.sparselab.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback stand-in for an MLflow tracking server with artifact serving: the REST endpoints the trackers use, with
 * MLflow's validation (batch limits, param immutability → 400 INVALID_PARAMETER_VALUE), every request recorded, and
 * a switch to fail (HTTP 500, hang, drop the connection, or create a run and drop the reply once).
 */
public final class FakeMlflowServer implements AutoCloseable {
    public enum Mode { OK, FAIL_500, HANG, DROP, LOSE_CREATE_REPLY }

    public record Request(String method, String path, String body) {}

    public static final class Run {
        public final ObjectNode info;
        public final Map<String, String> params = new LinkedHashMap<>();
        public final Map<String, String> tags = new LinkedHashMap<>();
        public final Map<String, List<MetricPoint>> metrics = new LinkedHashMap<>();

        Run(ObjectNode info) {
            this.info = info;
        }

        public String status() {
            return info.path("status").asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    public final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> experiments = new ConcurrentHashMap<>(); // name → id
    final Map<String, Run> runs = new ConcurrentHashMap<>();
    public final Map<String, byte[]> artifacts = new ConcurrentHashMap<>(); // path after /mlflow-artifacts/artifacts/
    public volatile Mode mode = Mode.OK;
    volatile String lastAuthorization;
    volatile String artifactUriTemplate = "mlflow-artifacts:/%s/%s/artifacts"; // exp, run
    private int nextExp = 1;

    public FakeMlflowServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String uri() {
        return "http://127.0.0.1:" + port();
    }

    public long count(String pathSuffix) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.path().endsWith(pathSuffix)).count();
        }
    }

    /** Waits up to {@code timeoutMs} until the server holds at least {@code n} runs; whether it does. */
    public boolean awaitRuns(int n, long timeoutMs) {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (runs.size() < n && System.nanoTime() < end) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return runs.size() >= n;
    }

    public Run onlyRun() {
        if (runs.size() != 1) throw new AssertionError("expected one run, found " + runs.keySet());
        return runs.values().iterator().next();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getRawPath();
            requests.add(new Request(ex.getRequestMethod(), path, body));
            lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
            switch (mode) {
                case FAIL_500 -> {
                    reply(ex, 500, "{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"down\"}");
                    return;
                }
                case HANG -> {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                case DROP -> {
                    return; // close without a response
                }
                case LOSE_CREATE_REPLY -> {
                    if (path.endsWith("/runs/create")) {
                        synchronized (this) {
                            route(ex, path, body, true); // the run exists; the client never hears of it
                        }
                        mode = Mode.OK;
                        return;
                    }
                }
                default -> { }
            }
            synchronized (this) {
                route(ex, path, body, false);
            }
        }
    }

    private void route(HttpExchange ex, String path, String body, boolean silent) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String m = ex.getRequestMethod();
        String artifactsPrefix = "/api/2.0/mlflow-artifacts/artifacts/";
        if (path.startsWith(artifactsPrefix)) {
            String key = URLDecoder.decode(path.substring(artifactsPrefix.length()), StandardCharsets.UTF_8);
            if (m.equals("PUT")) {
                artifacts.put(key, body.getBytes(StandardCharsets.UTF_8));
                reply(ex, 200, "{}");
            } else if (artifacts.containsKey(key)) {
                byte[] b = artifacts.get(key);
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            } else {
                error(ex, 404, "RESOURCE_DOES_NOT_EXIST", "no artifact " + key);
            }
            return;
        }
        JsonNode req = body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        switch (m + " " + path.replaceFirst("^/api/2.0/mlflow/", "")) {
            case "GET experiments/get-by-name" -> {
                String id = experiments.get(q.get("experiment_name"));
                if (id == null) {
                    error(ex, 404, "RESOURCE_DOES_NOT_EXIST", "no experiment " + q.get("experiment_name"));
                } else {
                    ObjectNode r = JSON.createObjectNode();
                    r.putObject("experiment").put("experiment_id", id).put("name", q.get("experiment_name"))
                            .put("lifecycle_stage", "active");
                    reply(ex, 200, r.toString());
                }
            }
            case "POST experiments/search", "GET experiments/search" -> {
                ObjectNode r = JSON.createObjectNode();
                ArrayNode a = r.putArray("experiments");
                experiments.forEach((name, id) -> a.addObject().put("experiment_id", id).put("name", name)
                        .put("lifecycle_stage", "active"));
                reply(ex, 200, r.toString());
            }
            case "POST experiments/create" -> {
                String name = req.path("name").asText();
                if (experiments.containsKey(name)) {
                    error(ex, 400, "RESOURCE_ALREADY_EXISTS", "experiment " + name + " exists");
                } else {
                    String id = Integer.toString(nextExp++);
                    experiments.put(name, id);
                    reply(ex, 200, JSON.createObjectNode().put("experiment_id", id).toString());
                }
            }
            case "POST runs/create" -> {
                String id = UUID.randomUUID().toString().replace("-", "");
                String exp = req.path("experiment_id").asText();
                ObjectNode info = JSON.createObjectNode().put("run_id", id).put("run_uuid", id)
                        .put("experiment_id", exp).put("run_name", req.path("run_name").asText())
                        .put("status", "RUNNING").put("start_time", req.path("start_time").asLong())
                        .put("artifact_uri", String.format(artifactUriTemplate, exp, id))
                        .put("lifecycle_stage", "active");
                Run run = new Run(info);
                for (JsonNode t : req.path("tags")) run.tags.put(t.path("key").asText(), t.path("value").asText());
                runs.put(id, run);
                if (!silent) reply(ex, 200, runJson(run).toString());
            }
            case "GET runs/get" -> {
                Run run = runs.get(q.get("run_id"));
                if (run == null) {
                    error(ex, 404, "RESOURCE_DOES_NOT_EXIST", "no run");
                } else {
                    reply(ex, 200, runJson(run).toString());
                }
            }
            case "POST runs/log-batch" -> logBatch(ex, req);
            case "POST runs/search" -> {
                // The subset MLflow clients use here: experiment ids, and an optional filter tags.`k` = 'v'.
                List<String> ids = new ArrayList<>();
                req.path("experiment_ids").forEach(i -> ids.add(i.asText()));
                var f = java.util.regex.Pattern.compile("tags\\.`([^`]+)` = '([^']*)'")
                        .matcher(req.path("filter").asText(""));
                String tagKey = f.find() ? f.group(1) : null;
                String tagValue = tagKey == null ? null : f.group(2);
                ObjectNode r = JSON.createObjectNode();
                ArrayNode a = r.putArray("runs");
                for (Run run : runs.values()) {
                    if (!ids.contains(run.info.path("experiment_id").asText())) continue;
                    if (tagKey != null && !tagValue.equals(run.tags.get(tagKey))) continue;
                    a.add(runJson(run).get("run"));
                }
                reply(ex, 200, r.toString());
            }
            case "POST runs/update" -> {
                Run run = runs.get(req.path("run_id").asText());
                run.info.put("status", req.path("status").asText());
                if (req.has("end_time")) run.info.put("end_time", req.path("end_time").asLong());
                reply(ex, 200, JSON.createObjectNode().set("run_info", run.info).toString());
            }
            case "GET metrics/get-history" -> {
                Run run = runs.get(q.get("run_id"));
                ArrayNode a = JSON.createArrayNode();
                for (MetricPoint p : run.metrics.getOrDefault(q.get("metric_key"), List.of())) {
                    a.addObject().put("key", p.key()).put("value", p.value()).put("timestamp", p.timestampMs())
                            .put("step", p.step());
                }
                ObjectNode r = JSON.createObjectNode();
                r.set("metrics", a);
                reply(ex, 200, r.toString());
            }
            default -> error(ex, 404, "ENDPOINT_NOT_FOUND", m + " " + path);
        }
    }

    private void logBatch(HttpExchange ex, JsonNode req) throws IOException {
        Run run = runs.get(req.path("run_id").asText());
        if (run == null) {
            error(ex, 404, "RESOURCE_DOES_NOT_EXIST", "no run");
            return;
        }
        int nm = req.path("metrics").size();
        int np = req.path("params").size();
        int nt = req.path("tags").size();
        if (nm > 1000 || np > 100 || nt > 100 || nm + np + nt > 1000) {
            error(ex, 400, "INVALID_PARAMETER_VALUE", "batch too large: " + nm + "/" + np + "/" + nt);
            return;
        }
        for (JsonNode p : req.path("params")) {
            String old = run.params.get(p.path("key").asText());
            if (old != null && !old.equals(p.path("value").asText())) {
                error(ex, 400, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed: "
                        + p.path("key").asText());
                return;
            }
        }
        for (JsonNode p : req.path("params")) run.params.put(p.path("key").asText(), p.path("value").asText());
        for (JsonNode t : req.path("tags")) run.tags.put(t.path("key").asText(), t.path("value").asText());
        for (JsonNode p : req.path("metrics")) {
            String key = p.path("key").asText();
            run.metrics.computeIfAbsent(key, k -> new ArrayList<>()).add(new MetricPoint(key,
                    p.path("value").asDouble(), p.path("timestamp").asLong(), p.path("step").asLong()));
        }
        reply(ex, 200, "{}");
    }

    private static ObjectNode runJson(Run run) {
        ObjectNode r = JSON.createObjectNode();
        ObjectNode o = r.putObject("run");
        o.set("info", run.info);
        ObjectNode data = o.putObject("data");
        ArrayNode ps = data.putArray("params");
        run.params.forEach((k, v) -> ps.addObject().put("key", k).put("value", v));
        ArrayNode ts = data.putArray("tags");
        run.tags.forEach((k, v) -> ts.addObject().put("key", k).put("value", v));
        ArrayNode ms = data.putArray("metrics"); // the latest point of each metric, as MLflow's runs/get gives
        run.metrics.forEach((k, points) -> points.stream()
                .max(java.util.Comparator.comparingLong(MetricPoint::step).thenComparingLong(MetricPoint::timestampMs))
                .ifPresent(p -> ms.addObject().put("key", k).put("value", p.value()).put("timestamp", p.timestampMs())
                        .put("step", p.step())));
        return r;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) return q;
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            q.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8),
                    URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static void error(HttpExchange ex, int code, String errorCode, String message) throws IOException {
        reply(ex, code, JSON.createObjectNode().put("error_code", errorCode).put("message", message).toString());
    }

    private static void reply(HttpExchange ex, int code, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }
}
