package io.tributary.rollout;

import io.tributary.messages.DeadLetter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  private static final Pattern TOPIC_TAG = Pattern.compile("p(\\d{1,9})o(\\d{1,18})");

  /** A short tag, unique within the source: {@code p3o1042} or {@code l17}. */
  public String tag() {
    return kind == DeadLetter.SourceKind.TOPIC ? "p" + partition + "o" + position : "l" + position;
  }

  /** The id of the group sampled for {@code promptId} from here: {@code <promptId>@<tag>}. */
  public String groupId(String promptId) {
    return promptId + "@" + tag();
  }

  /**
   * The topic origin that {@link #groupId} wrote into {@code groupId}, with the topic it was read
   * from; empty for a group of a file prompt or an id in another format.
   */
  public static Optional<InputOrigin> topicOfGroupId(String groupId, String topic) {
    Matcher tag = TOPIC_TAG.matcher(groupId.substring(groupId.lastIndexOf('@') + 1));
    if (groupId.indexOf('@') < 0 || !tag.matches()) {
      return Optional.empty();
    }
    return Optional.of(topic(topic, Integer.parseInt(tag.group(1)), Long.parseLong(tag.group(2))));
  }

  public DeadLetter deadLetter(String payload, String reason, long nowMillis) {
    return new DeadLetter(kind, source, partition, position, payload, reason, nowMillis);
  }
}
