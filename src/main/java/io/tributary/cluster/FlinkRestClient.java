package io.tributary.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A client of the JobManager's REST API (Flink's "REST API" page): the calls a user's tooling makes
 * to upload a job jar, run it with arguments, watch, stop and rescale it. Every failure names the
 * call and carries Flink's own error text.
 */
public final class FlinkRestClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String address;
  private final HttpClient http;

  /**
   * @param address {@code http://host:port}
   */
  public FlinkRestClient(String address) {
    this.address = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  public String address() {
    return address;
  }

  /** {@code GET /overview}: TaskManagers, slots, jobs by state. */
  public JsonNode overview() {
    return get("/overview");
  }

  /** {@code GET /taskmanagers}: each registered TaskManager with its slots. */
  public JsonNode taskManagers() {
    return get("/taskmanagers");
  }

  /** {@code GET /jobs/overview}. */
  public JsonNode jobs() {
    return get("/jobs/overview");
  }

  /** {@code GET /jobs/:id}: state, vertices with their ids, names and parallelism. */
  public JsonNode job(String jobId) {
    return get("/jobs/" + jobId);
  }

  public String jobState(String jobId) {
    return job(jobId).path("state").asText();
  }

  /** {@code GET /jobs/:id/checkpoints}: counts, the latest completed and restored ones. */
  public JsonNode checkpoints(String jobId) {
    return get("/jobs/" + jobId + "/checkpoints");
  }

  /** {@code GET /jobs/:id/exceptions}: the root cause of each failure. */
  public JsonNode exceptions(String jobId) {
    return get("/jobs/" + jobId + "/exceptions");
  }

  /** {@code GET /jobs/:id/vertices/:vid/taskmanagers}: where a vertex's subtasks run. */
  public JsonNode vertexTaskManagers(String jobId, String vertexId) {
    return get("/jobs/" + jobId + "/vertices/" + vertexId + "/taskmanagers");
  }

  /**
   * {@code GET /jobs/:id/vertices/:vid}: each subtask's state and TaskManager ({@code subtasks}).
   */
  public JsonNode vertex(String jobId, String vertexId) {
    return get("/jobs/" + jobId + "/vertices/" + vertexId);
  }

  /** {@code GET /jobs/:id/vertices/:vid/metrics?get=...}: named metrics of a vertex's subtasks. */
  public JsonNode vertexMetrics(String jobId, String vertexId, List<String> names) {
    return get(
        "/jobs/" + jobId + "/vertices/" + vertexId + "/metrics?get=" + String.join(",", names));
  }

  /** {@code GET /jobs/:id/vertices/:vid/metrics}: the names of a vertex's metrics. */
  public List<String> vertexMetricNames(String jobId, String vertexId) {
    List<String> names = new ArrayList<>();
    get("/jobs/" + jobId + "/vertices/" + vertexId + "/metrics")
        .forEach(m -> names.add(m.path("id").asText()));
    return names;
  }

  /** The id of the job's vertex whose name contains {@code name} (chained operators share one). */
  public Optional<String> vertexId(String jobId, String name) {
    for (JsonNode vertex : job(jobId).path("vertices")) {
      if (vertex.path("name").asText().contains(name)) {
        return Optional.of(vertex.path("id").asText());
      }
    }
    return Optional.empty();
  }

  /**
   * {@code POST /jars/upload}: the jar as {@code multipart/form-data}, streamed from disk.
   *
   * @return the jar's id on the cluster
   */
  public String uploadJar(Path jar) {
    String boundary = "tributary-" + UUID.randomUUID();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
            + jar.getFileName()
            + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
    String tail = "\r\n--" + boundary + "--\r\n";
    HttpRequest.BodyPublisher body;
    try {
      body =
          HttpRequest.BodyPublishers.concat(
              HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
              HttpRequest.BodyPublishers.ofFile(jar),
              HttpRequest.BodyPublishers.ofString(tail, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the job jar " + jar, e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri("/jars/upload"))
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(body)
            .build();
    JsonNode response = send(request, "upload of " + jar);
    String file = response.path("filename").asText();
    if (!"success".equals(response.path("status").asText()) || file.isEmpty()) {
      throw new IllegalStateException("Flink REST upload of " + jar + ": " + response);
    }
    return Path.of(file).getFileName().toString();
  }

  /**
   * {@code POST /jars/:jarid/run}: runs the jar's {@code entryClass} with {@code args} on the
   * cluster; the job's {@code main} runs in the JobManager and its graph is submitted there.
   *
   * @param savepoint a savepoint to start from, or null
   * @return the job id
   */
  public String runJar(String jarId, String entryClass, List<String> args, String savepoint) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("entryClass", entryClass);
    body.set("programArgsList", Json.mapper().valueToTree(args));
    if (savepoint != null) {
      body.put("savepointPath", savepoint);
      body.put("allowNonRestoredState", false);
    }
    JsonNode response = post("/jars/" + jarId + "/run", body, "run of jar " + jarId);
    return response.path("jobid").asText();
  }

  /** {@code DELETE /jars/:jarid}. */
  public void deleteJar(String jarId) {
    send(
        HttpRequest.newBuilder(uri("/jars/" + jarId)).timeout(TIMEOUT).DELETE().build(),
        "delete of jar " + jarId);
  }

  /** {@code PATCH /jobs/:id?mode=cancel}. */
  public void cancel(String jobId) {
    send(
        HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
            .timeout(TIMEOUT)
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build(),
        "cancel of job " + jobId);
  }

  /**
   * {@code POST /jobs/:id/stop}: stops the job with a savepoint in {@code directory}, then waits
   * for it ({@code GET /jobs/:id/savepoints/:triggerid}).
   *
   * @return the savepoint's location
   */
  public String stopWithSavepoint(String jobId, String directory, Duration timeout) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("targetDirectory", directory);
    body.put("drain", false);
    String trigger =
        post("/jobs/" + jobId + "/stop", body, "stop-with-savepoint of job " + jobId)
            .path("request-id")
            .asText();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if ("COMPLETED".equals(status.path("status").path("id").asText())) {
        JsonNode operation = status.path("operation");
        if (operation.has("location")) {
          return operation.path("location").asText();
        }
        throw new IllegalStateException(
            "savepoint of job " + jobId + " failed: " + operation.path("failure-cause"));
      }
      sleep(Duration.ofMillis(250));
    }
    throw new IllegalStateException(
        "savepoint of job " + jobId + " not done after " + timeout.toSeconds() + " s");
  }

  /**
   * Waits until the job reaches {@code state}; fails early when it reaches a terminal other one.
   */
  public void awaitJobState(String jobId, String state, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String seen = "";
    while (System.nanoTime() < deadline) {
      seen = jobState(jobId);
      if (seen.equals(state)) {
        return;
      }
      if (List.of("FAILED", "CANCELED", "FINISHED").contains(seen)) {
        throw new IllegalStateException(
            "job " + jobId + " is " + seen + ", expected " + state + "; " + rootCause(jobId));
      }
      sleep(Duration.ofMillis(250));
    }
    throw new IllegalStateException(
        "job "
            + jobId
            + " still "
            + seen
            + " after "
            + timeout.toSeconds()
            + " s, expected "
            + state);
  }

  /** The newest failure of the job, as Flink reports it, or an empty string. */
  public String rootCause(String jobId) {
    JsonNode history = exceptions(jobId).path("exceptionHistory").path("entries");
    if (history.isArray() && !history.isEmpty()) {
      return String.join(
          " | ", history.get(0).path("stacktrace").asText().lines().limit(3).toList());
    }
    return "";
  }

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET().build(), "GET " + path);
  }

  private JsonNode post(String path, JsonNode body, String what) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
            .build(),
        what);
  }

  private JsonNode send(HttpRequest request, String what) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Flink REST " + what + " at " + address + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during Flink REST " + what, e);
    }
    JsonNode json;
    try {
      json =
          response.body().isBlank()
              ? Json.mapper().createObjectNode()
              : Json.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(
          "Flink REST "
              + what
              + ": HTTP "
              + response.statusCode()
              + ", not JSON: "
              + response.body(),
          e);
    }
    if (response.statusCode() >= 300) {
      throw new FlinkRestException(what, response.statusCode(), json.path("errors").toString());
    }
    return json;
  }

  private URI uri(String path) {
    return URI.create(address + path);
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** An error answer of the REST API, with Flink's error messages. */
  public static final class FlinkRestException extends RuntimeException {
    private final int status;

    FlinkRestException(String what, int status, String errors) {
      super("Flink REST " + what + ": HTTP " + status + ": " + errors);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
