package io.tributary.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tributary.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible HTTP server over the project's sampler, on the JDK's {@code
 * com.sun.net.httpserver}: {@code GET /v1/models}, {@code POST /v1/completions} and {@code POST
 * /v1/chat/completions}, streaming by server-sent events. HTTP threads parse and answer; one
 * sampler thread ({@link Batcher}) runs the policy for all of them.
 */
public final class OpenAiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiServer.class);
  private static final int MAX_BODY_BYTES = 16 << 20;

  private final ServedModel model;
  private final RequestParser parser;
  private final Batcher batcher;
  private final HttpServer http;
  private final ExecutorService threads;

  private OpenAiServer(ServedModel model, ServerConfig settings) throws IOException {
    this.model = model;
    this.parser = new RequestParser(model);
    this.batcher = new Batcher(model.policy(), settings.maxBatchRows(), settings.maxWaitMillis());
    this.http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
    this.threads = Executors.newCachedThreadPool();
    http.setExecutor(threads);
    http.createContext("/", this::handle);
    http.start();
  }

  public static OpenAiServer start(ServedModel model, ServerConfig settings) {
    try {
      return new OpenAiServer(model, settings);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** For example {@code http://127.0.0.1:8000/v1}, what OpenAI clients take as base URL. */
  public URI baseUri() {
    return URI.create("http://" + http.getAddress().getHostString() + ":" + port() + "/v1");
  }

  /** Sampler batches run so far: concurrent requests share one. */
  public long batches() {
    return batcher.batches();
  }

  /** The most rows one sampler batch has held. */
  public long largestBatch() {
    return batcher.largestBatch();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      try {
        route(exchange, path, method);
      } catch (ApiError e) {
        send(exchange, e.status, OpenAiJson.error(e));
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", method, path, e);
        send(
            exchange,
            500,
            OpenAiJson.error(new ApiError(500, "server_error", e.toString(), null, null)));
      }
    }
  }

  private void route(HttpExchange exchange, String path, String method) throws IOException {
    String trimmed =
        path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    switch (trimmed) {
      case "/v1/models" -> {
        requireMethod(method, "GET");
        send(exchange, 200, OpenAiJson.modelList(model));
      }
      case "/v1/completions" -> {
        requireMethod(method, "POST");
        generate(exchange, parser.completions(body(exchange)), "cmpl-");
      }
      case "/v1/chat/completions" -> {
        requireMethod(method, "POST");
        generate(exchange, parser.chat(body(exchange)), "chatcmpl-");
      }
      case "/health" -> send(exchange, 200, Json.mapper().createObjectNode().put("status", "ok"));
      default -> {
        if (trimmed.equals("/v1/models/" + model.id())) {
          requireMethod(method, "GET");
          send(exchange, 200, OpenAiJson.model(model));
          return;
        }
        if (trimmed.startsWith("/v1/models/")) {
          throw new ApiError(
              404,
              "invalid_request_error",
              "The model '" + trimmed.substring("/v1/models/".length()) + "' does not exist",
              "model",
              "model_not_found");
        }
        throw new ApiError(
            404, "invalid_request_error", "Unknown path " + method + " " + path, null, null);
      }
    }
  }

  private static void requireMethod(String method, String expected) {
    if (!method.equals(expected)) {
      throw new ApiError(
          405,
          "invalid_request_error",
          "Method " + method + " not allowed here; use " + expected,
          null,
          null);
    }
  }

  private static JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new ApiError(
          413,
          "invalid_request_error",
          "request body over " + MAX_BODY_BYTES + " bytes",
          null,
          null);
    }
    if (bytes.length == 0) {
      throw ApiError.invalid(null, "request body: empty (expected a JSON object)");
    }
    try {
      return Json.mapper().readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiError.invalid(
          null, "request body is not valid JSON: " + e.getOriginalMessage(), "invalid_json");
    }
  }

  private void generate(HttpExchange exchange, GenerationRequest request, String idPrefix)
      throws IOException {
    String id = idPrefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    long created = System.currentTimeMillis() / 1000;
    ResponseJob job = new ResponseJob(request, model);
    batcher.submit(job);
    if (request.stream()) {
      stream(exchange, job, id, created);
      return;
    }
    try {
      job.done().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.cancel();
      throw new IllegalStateException("interrupted while generating", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    send(exchange, 200, OpenAiJson.response(job, id, created));
  }

  /** Server-sent events: one {@code data: {...}} chunk per piece of text, then {@code [DONE]}. */
  private void stream(HttpExchange exchange, ResponseJob job, String id, long created)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    int[] textOffsets = new int[job.choiceCount()];
    try {
      if (job.request().chat()) {
        for (int i = 0; i < job.choiceCount(); i++) {
          event(out, OpenAiJson.roleChunk(job, id, created, i));
        }
      }
      while (true) {
        Object next = job.events().poll(10, TimeUnit.MINUTES);
        if (next == null) {
          throw new IOException("no token for 10 minutes");
        }
        if (next instanceof ResponseJob.End end) {
          if (end.error() != null) {
            event(
                out,
                OpenAiJson.error(
                    new ApiError(500, "server_error", end.error().toString(), null, null)));
          } else if (job.request().includeUsage()) {
            event(out, OpenAiJson.usageChunk(job, id, created));
          }
          out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          return;
        }
        ResponseJob.Event e = (ResponseJob.Event) next;
        event(out, OpenAiJson.chunk(job, id, created, e, textOffsets[e.index()]));
        textOffsets[e.index()] += e.text().length();
      }
    } catch (IOException e) {
      job.cancel(); // the client left; its rows stop at their next token
      LOG.info("stream {} ended early: {}", id, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.cancel();
    }
  }

  private static void event(OutputStream out, ObjectNode chunk) throws IOException {
    out.write("data: ".getBytes(StandardCharsets.UTF_8));
    out.write(Json.writeBytes(chunk));
    out.write("\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = Json.writeBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops listening, fails waiting requests and releases the sampler thread. */
  @Override
  public void close() {
    http.stop(0);
    batcher.close();
    threads.shutdownNow();
  }
}
