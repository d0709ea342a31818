package io.tributary.rollout;

import io.tributary.messages.DeadLetter;

/** The verdict on one input record: a prompt to roll out, or a dead letter saying why not. */
public sealed interface Validation {
  record Accepted(ValidPrompt prompt) implements Validation {}

  record Rejected(DeadLetter letter) implements Validation {}
}
