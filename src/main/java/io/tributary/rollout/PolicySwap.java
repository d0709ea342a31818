package io.tributary.rollout;

/** What a policy-version event did to a replica. */
public sealed interface PolicySwap {
  /** The replica now runs {@code version}. */
  record Loaded(long from, long version, long millis) implements PolicySwap {}

  /** The event was not newer than what the replica runs; nothing changed. */
  record Ignored(long current, long offered) implements PolicySwap {}

  /** The checkpoint could not be used (checksum, missing file, other model); nothing changed. */
  record Refused(long current, long offered, String reason) implements PolicySwap {}
}
