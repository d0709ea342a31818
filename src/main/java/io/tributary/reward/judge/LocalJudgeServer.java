package io.tributary.reward.judge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tributary.json.Json;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A chat-completions endpoint on 127.0.0.1 that answers "yes" at once, for {@code bench rewards}:
 * with the judge's own cost (prompt, JSON, HTTP, verdict) measured against a server that costs
 * nothing, the figure is the ceiling that a real judge model's latency then divides.
 */
public final class LocalJudgeServer implements AutoCloseable {
  static {
    // the JDK server writes headers and body apart; with Nagle's algorithm the body then waits
    // for the client's delayed ACK, about 40 ms a request, which would be all the benchmark saw.
    // Read once, when the JDK's server first starts in this JVM.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final byte[] ANSWER =
      Json.write(
              Map.of(
                  "object",
                  "chat.completion",
                  "choices",
                  new Object[] {
                    Map.of(
                        "index",
                        0,
                        "message",
                        Map.of("role", "assistant", "content", "yes"),
                        "finish_reason",
                        "stop")
                  }))
          .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final ExecutorService threads;

  public LocalJudgeServer(int threads) {
    try {
      this.server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the local judge server", e);
    }
    this.threads =
        Executors.newFixedThreadPool(
            threads,
            runnable -> {
              Thread thread = new Thread(runnable, "local-judge");
              thread.setDaemon(true);
              return thread;
            });
    server.createContext("/v1/chat/completions", LocalJudgeServer::answer);
    server.setExecutor(this.threads);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private static void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, ANSWER.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(ANSWER);
      }
    }
  }

  /**
   * A {@code judge} against a fresh local server, without a cache so that every call goes over
   * HTTP; closing it stops the server.
   */
  public static RewardFunction benchmarkJudge() {
    LocalJudgeServer server = new LocalJudgeServer(4);
    JudgeReward judge =
        JudgeReward.create(
            JudgeConfig.from(
                new RewardParams(
                    Map.of(
                        "baseUrl",
                        server.baseUrl(),
                        "model",
                        "local",
                        "cacheSize",
                        0,
                        "requestTimeoutMs",
                        5000))),
            name -> null);
    return new ServedJudge(judge, server);
  }

  private record ServedJudge(JudgeReward judge, LocalJudgeServer server)
      implements RewardFunction, AutoCloseable {
    @Override
    public RewardResult score(Rollout rollout) {
      return judge.score(rollout);
    }

    @Override
    public void close() {
      server.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
