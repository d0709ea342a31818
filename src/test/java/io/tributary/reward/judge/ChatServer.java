package io.tributary.reward.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tributary.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 that answers {@code POST /v1/chat/completions} the way the OpenAI
 * API does, with what {@link Script} says for the n-th request; it records every request and the
 * most requests it ever held at once.
 */
final class ChatServer implements AutoCloseable {
  /** One answer: an HTTP status, the assistant's content (or a raw body), and a delay. */
  record Reply(int status, String content, String rawBody, long delayMs) {
    static Reply says(String content) {
      return new Reply(200, content, null, 0);
    }

    static Reply status(int status) {
      return new Reply(status, null, "{\"error\":{\"message\":\"server error\"}}", 0);
    }

    static Reply raw(int status, String body) {
      return new Reply(status, null, body, 0);
    }

    Reply after(long millis) {
      return new Reply(status, content, rawBody, millis);
    }
  }

  /** A request as the server saw it. */
  record Request(JsonNode body, String authorization) {
    String userPrompt() {
      JsonNode messages = body.get("messages");
      return messages.get(messages.size() - 1).get("content").asText();
    }
  }

  @FunctionalInterface
  interface Script {
    Reply answer(int index, Request request);
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(16);
  private final Script script;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  ChatServer(Script script) throws IOException {
    this.script = script;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/v1/chat/completions", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  static ChatServer alwaysSaying(String content) throws IOException {
    return new ChatServer((i, r) -> Reply.says(content));
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try (exchange) {
      JsonNode body = Json.mapper().readTree(exchange.getRequestBody().readAllBytes());
      Request request = new Request(body, exchange.getRequestHeaders().getFirst("Authorization"));
      int index;
      synchronized (requests) {
        index = requests.size();
        requests.add(request);
      }
      Reply reply = script.answer(index, request);
      if (reply.delayMs() > 0) {
        Thread.sleep(reply.delayMs());
      }
      String text = reply.rawBody() != null ? reply.rawBody() : completion(reply.content());
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client gave up (a timeout test); nothing to answer
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private static String completion(String content) {
    var root = Json.mapper().createObjectNode();
    root.put("id", "chatcmpl-test");
    root.put("object", "chat.completion");
    var choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", content);
    choice.put("finish_reason", "stop");
    return Json.write(root);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
