package io.tributary.messages;

/**
 * An input that could not be processed, kept verbatim with the reason, so that nothing is dropped
 * silently and the job goes on.
 *
 * @param sourceKind whether {@code source} names a Kafka topic or a file
 * @param partition the topic partition, or null for a file
 * @param position the record offset for a topic, the 1-based line number for a file
 * @param payload the raw input as text (UTF-8, malformed bytes replaced)
 */
public record DeadLetter(
    int schemaVersion,
    SourceKind sourceKind,
    String source,
    Integer partition,
    long position,
    String payload,
    String reason,
    long timestampMillis)
    implements Message {
  public static final int SCHEMA_VERSION = 1;

  public DeadLetter {
    Require.schemaVersion("dead letter", schemaVersion, SCHEMA_VERSION);
    Require.present("sourceKind", sourceKind);
    Require.text("source", source);
    if (sourceKind == SourceKind.TOPIC) {
      Require.nonNegative("partition", Require.present("partition", partition));
    }
    Require.nonNegative("position", position);
    Require.present("payload", payload);
    Require.text("reason", reason);
    Require.nonNegative("timestampMillis", timestampMillis);
  }

  public DeadLetter(
      SourceKind sourceKind,
      String source,
      Integer partition,
      long position,
      String payload,
      String reason,
      long timestampMillis) {
    this(SCHEMA_VERSION, sourceKind, source, partition, position, payload, reason, timestampMillis);
  }

  /** Keyed by where the input came from, so the letters of one source stay in order. */
  @Override
  public String key() {
    return source;
  }

  /** Where a dead input was read from. */
  public enum SourceKind {
    TOPIC("topic"),
    FILE("file");

    private final String wireName;

    SourceKind(String wireName) {
      this.wireName = wireName;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String wireName() {
      return wireName;
    }
  }
}
