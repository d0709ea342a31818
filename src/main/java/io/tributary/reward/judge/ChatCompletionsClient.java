package io.tributary.reward.judge;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Sends a chat-completions request body and returns {@code choices[0].message.content}. At most
 * {@code maxConcurrency} requests are in flight at once, however many threads call; connection
 * errors, timeouts, 429 and 5xx are retried with exponential backoff (the backoff is not counted as
 * in flight, so a waiting call does not hold a slot). Every failure is a {@link JudgeException}
 * whose text has the API key masked, in case a server echoes it.
 */
final class ChatCompletionsClient {
  private static final int SNIPPET = 200;

  private final URI endpoint;
  private final Duration timeout;
  private final int retries;
  private final Duration backoff;
  private final Semaphore inFlight;
  private final String apiKey; // null when the endpoint needs none
  private final HttpClient http;

  ChatCompletionsClient(
      URI endpoint,
      Duration timeout,
      int retries,
      Duration backoff,
      int maxConcurrency,
      String apiKey) {
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.retries = retries;
    this.backoff = backoff;
    this.inFlight = new Semaphore(maxConcurrency, true);
    this.apiKey = apiKey;
    // HTTP/1.1: every OpenAI-compatible server speaks it, and no h2c upgrade is attempted
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  String complete(String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    String failure = null;
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        sleep(backoff.multipliedBy(1L << Math.min(attempt - 1, 20)));
      }
      HttpResponse<String> response;
      try {
        response = send(request.build());
      } catch (HttpTimeoutException e) {
        failure = "no answer within " + timeout.toMillis() + " ms";
        continue;
      } catch (IOException e) {
        failure = "connection failed: " + describe(e);
        continue;
      }
      int status = response.statusCode();
      if (status == 200) {
        return content(response.body());
      }
      failure = "HTTP " + status + ": " + snippet(response.body());
      if (status != 429 && status < 500) {
        throw new JudgeException(endpoint + " answered " + failure); // a retry would not help
      }
    }
    int attempts = retries + 1;
    throw new JudgeException(
        endpoint
            + ": "
            + failure
            + (attempts == 1 ? " (no retries)" : " (" + attempts + " attempts, none succeeded)"));
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      inFlight.acquire();
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      } finally {
        inFlight.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JudgeException(endpoint + ": interrupted while waiting for the judge");
    }
  }

  private void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JudgeException(endpoint + ": interrupted while backing off");
    }
  }

  private String content(String body) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(body);
    } catch (IOException e) {
      throw new JudgeException(endpoint + " answered a body that is not JSON: " + snippet(body));
    }
    JsonNode content = root.path("choices").path(0).path("message").path("content");
    if (!content.isTextual()) {
      throw new JudgeException(
          endpoint + " answered without choices[0].message.content: " + snippet(body));
    }
    return content.asText();
  }

  private String snippet(String text) {
    String masked = apiKey == null ? text : text.replace(apiKey, "***");
    masked = masked.strip().replaceAll("\\s+", " ");
    return masked.length() <= SNIPPET
        ? "'" + masked + "'"
        : "'" + masked.substring(0, SNIPPET) + "...'";
  }

  private String describe(IOException e) {
    String message = e.getMessage();
    if (message == null && e.getCause() != null) {
      message = e.getCause().getMessage(); // the JDK client wraps "Connection refused" this way
    }
    String text = e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    return apiKey == null ? text : text.replace(apiKey, "***");
  }
}
