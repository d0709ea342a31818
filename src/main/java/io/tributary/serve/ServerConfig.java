package io.tributary.serve;

/**
 * Where the server listens and how it batches: up to {@code maxBatchRows} rows (choices) per
 * sampler batch, gathered for at most {@code maxWaitMillis} after the oldest waiting request.
 */
public record ServerConfig(String host, int port, int maxBatchRows, long maxWaitMillis) {
  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + ", expected 0 (any free) to 65535");
    }
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("max batch: " + maxBatchRows + ", expected >= 1");
    }
    if (maxWaitMillis < 0) {
      throw new IllegalArgumentException("batch wait: " + maxWaitMillis + " ms, expected >= 0");
    }
  }

  public static ServerConfig defaults(int port) {
    return new ServerConfig("127.0.0.1", port, 32, 10);
  }
}
