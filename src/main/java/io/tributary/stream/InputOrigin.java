package io.tributary.stream;

import io.tributary.messages.DeadLetter;

/**
 * Where one input record was read: a topic partition and offset, or a file and 1-based line. It
 * names a record uniquely and identically on every replay, so group ids built from it survive a
 * restart (and so exactly-once de-duplication works) while a prompt sent twice gets two groups.
 */
public record InputOrigin(
    DeadLetter.SourceKind kind, String source, Integer partition, long position) {

  public static InputOrigin topic(String topic, int partition, long offset) {
    return new InputOrigin(DeadLetter.SourceKind.TOPIC, topic, partition, offset);
  }

  public static InputOrigin fileLine(String file, long line) {
    return new InputOrigin(DeadLetter.SourceKind.FILE, file, null, line);
  }

  /** A short tag, unique within the source: {@code p3o1042} or {@code l17}. */
  public String tag() {
    return kind == DeadLetter.SourceKind.TOPIC ? "p" + partition + "o" + position : "l" + position;
  }

  public DeadLetter deadLetter(String payload, String reason, long nowMillis) {
    return new DeadLetter(kind, source, partition, position, payload, reason, nowMillis);
  }
}
