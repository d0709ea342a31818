package io.tributary.messages;

/**
 * A message on one of Tributary's topics. Every message carries the version of its schema ({@code
 * pipeline/schemas/}) so that a reader can refuse what it does not understand instead of guessing.
 */
public sealed interface Message permits PromptMessage, ScoredGroup, PolicyVersionEvent, DeadLetter {
  int schemaVersion();

  /** The Kafka record key: decides the partition (see pipeline/README.md). */
  String key();
}
